package dev.kiln.runtime.optim;

import static dev.kiln.runtime.optim.TinyParameters.assertClose;
import static dev.kiln.runtime.optim.TinyParameters.gradient;
import static dev.kiln.runtime.optim.TinyParameters.parameter;
import static dev.kiln.runtime.optim.TinyParameters.run;
import static dev.kiln.runtime.optim.TinyParameters.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.model.Parameter;
import org.junit.jupiter.api.Test;

class AdamTest {

    /** torch.optim.Adam / AdamW written out in double from the published algorithm. */
    private static double[] expected(double[] w, int steps, double lr, double l2, double weightDecay) {
        double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        w = w.clone();
        for (int t = 1; t <= steps; t++) {
            for (int i = 0; i < w.length; i++) {
                double g = gradient(t, i) + l2 * w[i];
                w[i] -= lr * weightDecay * w[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                // torch puts eps after dividing sqrt(v) by sqrt(1 - b2^t), i.e. it adds eps to sqrt(vHat)
                w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        return w;
    }


    @Test
    void matchesTheFormulaForThreeSteps() {
        Parameter p = parameter("w", 0f, true, 0.5f, -1.25f, 2f);
        double[] start = toDouble(p.value());
        assertClose(expected(start, 3, 0.01, 0, 0), run(Adam.withLearningRate(0.01f), p, 3), "adam");
    }

    @Test
    void matchesTheFormulaOnWholeVectorsAndTheirTail() {
        // 37 values: whole vectors of any width the machine has, then a tail, on their two loops.
        float[] values = new float[37];
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.1f * (i - 18);
        }
        Parameter p = parameter("w", 0f, true, values);
        double[] start = toDouble(p.value());
        assertClose(expected(start, 3, 0.01, 0, 0), run(Adam.withLearningRate(0.01f), p, 3), "adam, 37 values");
    }

    @Test
    void flushesSubnormalMomentsOfWeightsWhoseGradientStopped() {
        // One step of gradient, then none: the first moment shrinks by beta1 a step and passes
        // 1.2e-38 after about 800 steps. It must become 0, not subnormal, and the weights must
        // move as without the flush.
        float[] values = new float[37];
        Parameter p = parameter("w", 0f, true, values);
        Adam adam = Adam.withLearningRate(0.001f);
        java.util.Arrays.fill(p.grad(), 1e-3f);
        adam.step(java.util.List.of(p));
        float[] afterFirst = p.value().clone();
        java.util.Arrays.fill(p.grad(), 0f);
        for (int t = 2; t <= 1000; t++) {
            adam.step(java.util.List.of(p));
        }
        float[] m = adam.state().get("w/m"), v = adam.state().get("w/v");
        for (int i = 0; i < values.length; i++) {
            assertEquals(0f, m[i], "m[" + i + "] after 999 steps without gradient");
            assertTrue(v[i] == 0f || Math.abs(v[i]) >= Float.MIN_NORMAL, "v[" + i + "] is subnormal: " + v[i]);
            // The moment decayed from 1e-4: the steps after the first moved each weight by about
            // lr * sum(0.9^t) / sqrt(0.999^t-corrected v), all of it before the moment underflowed.
            assertTrue(p.value()[i] < afterFirst[i], "w[" + i + "] kept moving against the old gradient");
        }
    }

    @Test
    void firstStepMovesEachWeightByAboutTheLearningRate() {
        // With bias correction, step 1 is lr * g / (|g| + eps): a sign step, whatever the gradient's size.
        Parameter p = parameter("w", 0f, true, 0f, 0f, 0f);
        run(Adam.withLearningRate(0.001f), p, 1);
        for (int i = 0; i < 3; i++) {
            assertEquals(-0.001 * Math.signum(gradient(1, i)), p.value()[i], 1e-8);
        }
    }

    @Test
    void addsTheLayersL2TermToTheGradient() {
        Parameter p = parameter("w", 0.25f, true, 0.5f, -1.25f, 2f);
        double[] start = toDouble(p.value());
        assertClose(expected(start, 3, 0.01, 0.25, 0), run(Adam.withLearningRate(0.01f), p, 3), "adam+l2");
    }

    @Test
    void decoupledWeightDecayShrinksWeightsAsAdamW() {
        Parameter p = parameter("w", 0f, true, 0.5f, -1.25f, 2f);
        double[] start = toDouble(p.value());
        float[] actual = run(Adam.withLearningRate(0.01f).withWeightDecay(0.1f), p, 3);
        assertClose(expected(start, 3, 0.01, 0, 0.1), actual, "adamw");
    }

    @Test
    void describesItsSettings() {
        assertEquals("adam(lr=0.001, betas=0.9/0.999, eps=1.0E-8)", Adam.withLearningRate(0.001f).describe());
        assertEquals("adam(lr=0.001, betas=0.9/0.999, eps=1.0E-8, weight_decay=0.01)",
                Adam.withLearningRate(0.001f).withWeightDecay(0.01f).describe());
    }
}
