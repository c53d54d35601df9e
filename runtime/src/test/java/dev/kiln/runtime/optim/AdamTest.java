package dev.kiln.runtime.optim;

import static dev.kiln.runtime.optim.TinyParameters.assertClose;
import static dev.kiln.runtime.optim.TinyParameters.gradient;
import static dev.kiln.runtime.optim.TinyParameters.parameter;
import static dev.kiln.runtime.optim.TinyParameters.run;
import static dev.kiln.runtime.optim.TinyParameters.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
