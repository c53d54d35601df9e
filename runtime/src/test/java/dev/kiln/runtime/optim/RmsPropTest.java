package dev.kiln.runtime.optim;

import static dev.kiln.runtime.optim.TinyParameters.assertClose;
import static dev.kiln.runtime.optim.TinyParameters.gradient;
import static dev.kiln.runtime.optim.TinyParameters.parameter;
import static dev.kiln.runtime.optim.TinyParameters.run;
import static dev.kiln.runtime.optim.TinyParameters.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.RmsProp.Convention;
import org.junit.jupiter.api.Test;

class RmsPropTest {

    /** tf.train.RMSPropOptimizer and torch.optim.RMSprop written out in double. */
    private static double[] expected(double[] w, int steps, double lr, double decay, double momentum, boolean tensorflow,
            double l2, double weightDecay) {
        double eps = tensorflow ? 1e-10 : 1e-8;
        double[] ms = new double[w.length];
        double[] buf = new double[w.length];
        if (tensorflow) {
            java.util.Arrays.fill(ms, 1.0);
        }
        w = w.clone();
        for (int t = 1; t <= steps; t++) {
            for (int i = 0; i < w.length; i++) {
                double g = gradient(t, i) + l2 * w[i];
                w[i] -= lr * weightDecay * w[i];
                ms[i] = decay * ms[i] + (1 - decay) * g * g;
                double step = tensorflow ? g / Math.sqrt(ms[i] + eps) : g / (Math.sqrt(ms[i]) + eps);
                buf[i] = momentum * buf[i] + step;
                w[i] -= lr * buf[i];
            }
        }
        return w;
    }


    @Test
    void tensorflowConventionMatchesForThreeSteps() {
        Parameter p = parameter("w", 0f, true, 0.5f, -1.25f, 2f);
        double[] start = toDouble(p.value());
        assertClose(expected(start, 3, 0.01, 0.9, 0, true, 0, 0), run(RmsProp.withLearningRate(0.01f), p, 3), "tf");
    }

    @Test
    void pytorchConventionWithMomentumMatchesForThreeSteps() {
        Parameter p = parameter("w", 0f, true, 0.5f, -1.25f, 2f);
        double[] start = toDouble(p.value());
        RmsProp rmsProp = RmsProp.withLearningRate(0.01f).withConvention(Convention.PYTORCH).withDecay(0.99f).withMomentum(0.5f);
        assertClose(expected(start, 3, 0.01, 0.99, 0.5, false, 0, 0), run(rmsProp, p, 3), "torch");
    }

    @Test
    void l2AndDecoupledDecay() {
        Parameter p = parameter("w", 0.3f, true, 0.5f, -1.25f, 2f);
        double[] start = toDouble(p.value());
        RmsProp rmsProp = RmsProp.withLearningRate(0.01f).withWeightDecay(0.5f);
        assertClose(expected(start, 3, 0.01, 0.9, 0, true, 0.3, 0.5), run(rmsProp, p, 3), "l2+decay");
    }

    @Test
    void meanSquareAndMomentumOfAStoppedGradientNeverTurnSubnormal() {
        // TensorFlow's mean square starts at 1 and decays by 0.9 a step: subnormal from about step 830.
        TinyParameters.assertStateNeverSubnormal(RmsProp.withLearningRate(0.001f), "v", 1e-3f, 1000);
        // PyTorch's first step puts about 3.16 in the momentum buffer; halved each step, it is subnormal from step 129.
        RmsProp withMomentum = RmsProp.withLearningRate(0.001f).withConvention(Convention.PYTORCH).withMomentum(0.5f);
        TinyParameters.assertStateNeverSubnormal(withMomentum, "momentum", 1e-3f, 300);
        TinyParameters.assertStateNeverSubnormal(withMomentum, "v", 1e-3f, 1000);
    }

    @Test
    void describesItsConvention() {
        assertEquals("rmsprop(lr=0.001, decay=0.9, eps=1.0E-10, momentum=0.0, convention=tensorflow)",
                RmsProp.withLearningRate(0.001f).describe());
    }
}
