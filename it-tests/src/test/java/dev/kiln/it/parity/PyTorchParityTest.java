package dev.kiln.it.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.networks.EmotionModel;
import dev.kiln.networks.KerasMnistModel;
import dev.kiln.networks.LenetLikeModel;
import dev.kiln.networks.PytorchMnistModel;
import dev.kiln.networks.Tf1636Model;
import dev.kiln.networks.TfMnistModel;
import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.kernels.ScalarKernels;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.optim.RmsProp;
import dev.kiln.runtime.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every trainable seed network and four small architectures against PyTorch float64, on the
 * scalar and the Vector API kernels, from fixtures make_parity_fixtures.py wrote once (no Python
 * here): inference outputs, both losses, every gradient, and the weights after one step of Adam,
 * SGD with momentum and RMSProp (PyTorch's convention, alpha 0.9), two threads each.
 *
 * <p>Tolerances. Kiln computes in float32 (unit roundoff u = 2^-24) and the reference in float64,
 * so the difference is Kiln's rounding. A dot product of length K accumulates errors that grow
 * like sqrt(K) u relative to the magnitude of its terms (random-walk rounding; the worst case, K u,
 * is never approached with random data), and each of the L weighted layers adds its own on the way
 * forward, twice as many on the way back. Errors are measured relative to the largest magnitude
 * in the tensor (an element near zero has no meaningful relative error):
 * <pre>
 *   forward (probabilities, losses):  |kiln - ref| <= 8 u sqrt(K) L   * max|ref|
 *   gradients:                        |kiln - ref| <= 8 u sqrt(K) 2L  * max|ref|
 * </pre>
 * with K the longest reduction (largest fan-in) and 8 a safety factor. For TfMnist (K = 3136,
 * L = 4) that is 1.1e-4 forward; a wrong layout, index or missing term gives errors of order 1.
 * The weights after a step inherit the gradient's error through the optimizer's sensitivity:
 * {@code |dw| <= 2 ulp(w) + lr (4 u |d| + s |dg|)}, d the step direction and s = d'(g): 1 for SGD,
 * eps / (|g| + eps)^2 for Adam's first step (d = g / (|g| + eps)), eps / (c|g| + eps)^2 for
 * RMSProp's (c = sqrt(1 - alpha)). Where |g| is far above eps that is rounding only; near zero
 * the direction is genuinely ill-conditioned and the bound grows to the step's own size.
 */
class PyTorchParityTest {
    private static final double U = 0x1p-24;
    private static final int THREADS = 2;

    /** A generated model's {@code create(seed, threads, kernels)}. */
    interface Factory {
        Model create(long seed, int threads, Kernels kernels);
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] networks = {
            {"TfMnist", (Factory) TfMnistModel::create},
            {"KerasMnist", (Factory) KerasMnistModel::create},
            {"PytorchMnist", (Factory) PytorchMnistModel::create},
            {"Tf1636", (Factory) Tf1636Model::create},
            {"LenetLike", (Factory) LenetLikeModel::create},
            {"Emotion", (Factory) EmotionModel::create},
            {"ParityStrided", (Factory) ParityStridedModel::create},
            {"ParityFrozenGlobal", (Factory) ParityFrozenGlobalModel::create},
            {"ParitySameDropout", (Factory) ParitySameDropoutModel::create},
            {"ParityPaddedPools", (Factory) ParityPaddedPoolsModel::create},
        };
        for (Object[] network : networks) {
            cases.add(Arguments.of(network[0], "scalar", network[1]));
            cases.add(Arguments.of(network[0], "vector", network[1]));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} on {1} kernels")
    @MethodSource("cases")
    void matchesPyTorch(String network, String kernelKind, Factory factory) {
        Kernels kernels = kernelKind.equals("scalar") ? new ScalarKernels() : KernelProvider.get();
        assertTrue(kernels.name().startsWith(kernelKind), "asked for " + kernelKind + " kernels, got " + kernels.name());
        ParityFixture fixture = ParityFixture.of(network);
        int batch = (int) fixture.longMeta("batch");
        double sqrtK = Math.sqrt(fixture.longMeta("reductions"));
        int layers = (int) fixture.longMeta("layers");
        double forwardTol = 8 * U * sqrtK * layers;
        double gradTol = 8 * U * sqrtK * 2 * layers;
        float[] images = fixture.tensor("input");
        int[] labels = labels(fixture.tensor("labels"));
        Report report = new Report(network + " " + kernelKind);

        try (Model model = factory.create(fixture.longMeta("dropout_seed"), THREADS, kernels)) {
            model.setGradientsKept(true);      // every gradient is compared with PyTorch's
            List<float[]> initial = initialWeights(model, fixture);
            reset(model, initial);

            float[] probabilities = new float[batch * model.classes()];
            model.predictBatch(images, batch, probabilities);
            double[] expected = softmax(fixture.tensor("logits"), batch, model.classes());
            double logitScale = maxAbs(fixture.tensor("logits"));
            report.compare("probabilities", probabilities, expected, forwardTol * logitScale);
            double evalLoss = fixture.tensor("eval_loss")[0];
            report.compareScalar("eval loss", model.loss(images, labels, batch), evalLoss, forwardTol * Math.abs(evalLoss));

            for (String optimizer : List.of("adam", "sgd", "rmsprop")) {
                double lr = fixture.doubleMeta("lr." + optimizer);
                reset(model, initial);
                float trainLoss = model.trainStep(images, labels, batch, newOptimizer(optimizer, (float) lr));
                double expectedLoss = fixture.tensor("train_loss")[0];
                report.compareScalar("train loss", trainLoss, expectedLoss, forwardTol * Math.abs(expectedLoss));
                for (int t = 0; t < model.parameters().size(); t++) {
                    Parameter p = model.parameters().get(t);
                    int stride = fixture.stride(p.name());
                    float[] after = sample(p.toPytorch(), stride);
                    float[] before = sample(initial.get(t), stride);
                    if (!p.trainable()) {
                        assertArrayEquals(before, after, p.name() + " is frozen, yet " + optimizer + " changed it");
                        continue;
                    }
                    float[] grad = fixture.tensor("grad/" + p.name());
                    if (optimizer.equals("adam")) {
                        report.compare("gradients", sample(p.gradToPytorch(), stride), toDouble(grad), gradTol * maxAbs(grad), p.name());
                    }
                    report.compareStep(optimizer, p, after, fixture.tensor(optimizer + "/" + p.name()), before, grad,
                            gradTol * maxAbs(grad), lr);
                }
            }
        }
        System.out.println(report);
        report.assertWithinTolerance();
    }

    private static Optimizer newOptimizer(String name, float lr) {
        return switch (name) {
            case "adam" -> Adam.withLearningRate(lr);
            case "sgd" -> Sgd.withLearningRate(lr).withMomentum(0.9f);
            case "rmsprop" -> RmsProp.withLearningRate(lr).withConvention(RmsProp.Convention.PYTORCH).withDecay(0.9f);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** Sets the generated initial weights, checking them against those the fixture stores, and their L2 factors. */
    private static List<float[]> initialWeights(Model model, ParityFixture fixture) {
        long seed = fixture.longMeta("weight_seed");
        List<float[]> initial = new ArrayList<>();
        for (int t = 0; t < model.parameters().size(); t++) {
            Parameter p = model.parameters().get(t);
            float[] values = ParityWeights.generate(seed, t, p.size(), Float.parseFloat(fixture.meta("bound/" + p.name())));
            float[] stored = fixture.tensor("weight/" + p.name());
            assertTrue(stored != null, "the fixture has no parameter " + p.name());
            assertArrayEquals(stored, sample(values, fixture.stride(p.name())), p.name() + ": generated weights differ from the fixture's");
            assertEquals(fixture.doubleMeta("l2/" + p.name()), p.l2(), 1e-9, p.name() + "'s l2");
            initial.add(values);
        }
        return initial;
    }

    private static void reset(Model model, List<float[]> initial) {
        for (int t = 0; t < initial.size(); t++) {
            model.parameters().get(t).fromPytorch(initial.get(t));
        }
        model.setStep(0);
    }

    /** Collects the largest error of each quantity and every element over its bound. */
    private static final class Report {
        private final String title;
        private final java.util.Map<String, double[]> worst = new java.util.LinkedHashMap<>();  // {max error / scale, max error / bound}
        private final List<String> failures = new ArrayList<>();

        Report(String title) {
            this.title = title;
        }

        void compare(String quantity, float[] actual, double[] expected, double bound) {
            compare(quantity, actual, expected, bound, "");
        }

        void compare(String quantity, float[] actual, double[] expected, double bound, String where) {
            assertEquals(expected.length, actual.length, quantity + " " + where + ": element count");
            double scale = bound == 0 ? 1 : bound;
            for (int i = 0; i < actual.length; i++) {
                double error = Math.abs(actual[i] - expected[i]);
                note(quantity, error, error / scale);
                if (!(error <= bound)) {
                    fail(quantity, where, i, actual[i], expected[i], bound);
                }
            }
        }

        void compareScalar(String quantity, float actual, double expected, double bound) {
            compare(quantity, new float[] {actual}, new double[] {expected}, bound);
        }

        /** The weights after one step, each against its own bound (see the class comment). */
        void compareStep(String optimizer, Parameter p, float[] actual, float[] expected, float[] before, float[] grad,
                         double gradError, double lr) {
            assertEquals(expected.length, actual.length, optimizer + " " + p.name() + ": element count");
            double eps = 1e-8, c = Math.sqrt(1 - 0.9);
            for (int i = 0; i < actual.length; i++) {
                double g = grad[i] + p.l2() * (double) before[i];
                double a = Math.abs(g);
                double direction, sensitivity;
                switch (optimizer) {
                    case "adam" -> { direction = a / (a + eps); sensitivity = Math.min(eps / ((a + eps) * (a + eps)), 2 / gradError); }
                    case "rmsprop" -> { direction = a / (c * a + eps); sensitivity = Math.min(eps / ((c * a + eps) * (c * a + eps)), 2 / c / gradError); }
                    default -> { direction = a; sensitivity = 1; }
                }
                // 2 ulp: the reference's rounding to float32 and Kiln's own, at the larger of the weights' binades
                double bound = 2 * Math.ulp(Math.max(Math.abs(expected[i]), Math.abs(before[i]))) + lr * (4 * U * direction + sensitivity * gradError);
                double error = Math.abs(actual[i] - expected[i]);
                note(optimizer + " step", error, error / bound);
                if (!(error <= bound)) {
                    fail(optimizer + " step", p.name(), i, actual[i], expected[i], bound);
                }
            }
        }

        private void note(String quantity, double error, double ofBound) {
            double[] w = worst.computeIfAbsent(quantity, k -> new double[2]);
            w[0] = Math.max(w[0], error);
            w[1] = Math.max(w[1], ofBound);
        }

        private void fail(String quantity, String where, int i, float actual, double expected, double bound) {
            if (failures.size() < 10) {
                failures.add(String.format(Locale.ROOT, "%s %s [sample %d]: kiln %.9g, pytorch %.9g, error %.3g over the bound %.3g",
                        quantity, where, i, actual, expected, Math.abs(actual - expected), bound));
            }
        }

        void assertWithinTolerance() {
            Supplier<String> message = () -> title + " differs from PyTorch:\n  " + String.join("\n  ", failures);
            assertTrue(failures.isEmpty(), message);
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder("parity ").append(title).append(":");
            worst.forEach((quantity, w) -> out.append(String.format(Locale.ROOT, "  %s %.2e (%.0f%% of bound)",
                    quantity, w[0], 100 * w[1])));
            return out.toString();
        }
    }

    // ---- small helpers ----

    private static float[] sample(float[] values, int stride) {
        float[] out = new float[(values.length + stride - 1) / stride];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i * stride];
        }
        return out;
    }

    private static int[] labels(float[] values) {
        int[] labels = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            labels[i] = (int) values[i];
        }
        return labels;
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static double[] softmax(float[] logits, int rows, int classes) {
        double[] out = new double[logits.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[r * classes + k]);
            }
            for (int k = 0; k < classes; k++) {
                out[r * classes + k] = Math.exp(logits[r * classes + k] - max);
                sum += out[r * classes + k];
            }
            for (int k = 0; k < classes; k++) {
                out[r * classes + k] /= sum;
            }
        }
        return out;
    }
}
