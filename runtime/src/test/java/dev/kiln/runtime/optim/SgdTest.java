package dev.kiln.runtime.optim;

import static dev.kiln.runtime.optim.TinyParameters.assertClose;
import static dev.kiln.runtime.optim.TinyParameters.gradient;
import static dev.kiln.runtime.optim.TinyParameters.parameter;
import static dev.kiln.runtime.optim.TinyParameters.run;
import static dev.kiln.runtime.optim.TinyParameters.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.model.Parameter;
import org.junit.jupiter.api.Test;

class SgdTest {

    /** torch.optim.SGD (dampening 0) written out in double. */
    private static double[] expected(double[] w, int steps, double lr, double momentum, boolean nesterov,
            double l2, double weightDecay) {
        double[] buf = new double[w.length];
        w = w.clone();
        for (int t = 1; t <= steps; t++) {
            for (int i = 0; i < w.length; i++) {
                double g = gradient(t, i) + l2 * w[i];
                w[i] -= lr * weightDecay * w[i];
                double direction = g;
                if (momentum != 0) {
                    buf[i] = t == 1 ? g : momentum * buf[i] + g;
                    direction = nesterov ? g + momentum * buf[i] : buf[i];
                }
                w[i] -= lr * direction;
            }
        }
        return w;
    }


    @Test
    void plainStepIsLearningRateTimesGradient() {
        Parameter p = parameter("w", 0f, true, 0.5f, -1.25f, 2f);
        double[] start = toDouble(p.value());
        assertClose(expected(start, 3, 0.1, 0, false, 0, 0), run(Sgd.withLearningRate(0.1f), p, 3), "sgd");
    }

    @Test
    void momentumMatchesTheFormulaForThreeSteps() {
        Parameter p = parameter("w", 0f, true, 0.5f, -1.25f, 2f);
        double[] start = toDouble(p.value());
        assertClose(expected(start, 3, 0.1, 0.9, false, 0, 0),
                run(Sgd.withLearningRate(0.1f).withMomentum(0.9f), p, 3), "momentum");
    }

    @Test
    void nesterovMatchesTheFormulaForThreeSteps() {
        Parameter p = parameter("w", 0f, true, 0.5f, -1.25f, 2f);
        double[] start = toDouble(p.value());
        assertClose(expected(start, 3, 0.1, 0.9, true, 0, 0),
                run(Sgd.withLearningRate(0.1f).withMomentum(0.9f).withNesterov(true), p, 3), "nesterov");
    }

    @Test
    void l2AndDecoupledDecay() {
        Parameter p = parameter("w", 0.5f, true, 0.5f, -1.25f, 2f);
        double[] start = toDouble(p.value());
        assertClose(expected(start, 3, 0.1, 0.9, false, 0.5, 0.2),
                run(Sgd.withLearningRate(0.1f).withMomentum(0.9f).withWeightDecay(0.2f), p, 3), "l2+decay");
    }

    @Test
    void l2AloneWithZeroGradientShrinksByLrTimesFactor() {
        Parameter p = parameter("w", 0.5f, true, 2f);
        Sgd.withLearningRate(0.1f).step(java.util.List.of(p));
        assertEquals(2 - 0.1 * 0.5 * 2, p.value()[0], 1e-6);
    }

    @Test
    void momentumOfAStoppedGradientNeverTurnsSubnormal() {
        // 1e-3 * 0.9^t is subnormal from step 765 to about 915.
        TinyParameters.assertStateNeverSubnormal(Sgd.withLearningRate(0.1f).withMomentum(0.9f), "momentum", 1e-3f, 1000);
    }

    @Test
    void rejectsNesterovWithoutMomentum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sgd.withLearningRate(0.1f).withNesterov(true));
        assertEquals("Nesterov momentum needs a momentum above 0", e.getMessage());
    }
}
