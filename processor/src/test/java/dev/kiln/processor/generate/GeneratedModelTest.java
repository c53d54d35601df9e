package dev.kiln.processor.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.processor.model.NetworkModel;
import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.kernels.ScalarKernels;
import dev.kiln.runtime.model.AbstractModel;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated models against the double-precision {@link ReferenceNetwork}: the forward pass, the
 * loss, and every parameter's gradient by central finite differences, for each test network on
 * the kernels of this JVM and on the scalar kernels.
 */
class GeneratedModelTest {
    private static final int BATCH = 5;
    private static final Map<NetworkModel, Class<?>> COMPILED = new ConcurrentHashMap<>();

    /**
     * Gradients: |model - finite difference| <= 1e-4 + 1e-2 * |finite difference|. The model
     * computes in float (about 1e-6 relative error on these sizes); the difference is in double
     * with step 1e-5, whose truncation error is far below that.
     */
    private static final double GRAD_ABS = 1e-4, GRAD_REL = 1e-2, STEP = 1e-5;
    /** Forward: probabilities within 1e-5 of the reference's. */
    private static final double PROB_TOL = 1e-5;

    /** The kernels of this JVM and, when those are not the scalar ones, the scalar kernels. */
    static List<Kernels> kernels() {
        List<Kernels> kernels = new ArrayList<>();
        kernels.add(KernelProvider.get());
        if (!(KernelProvider.get() instanceof ScalarKernels)) {
            kernels.add(new ScalarKernels());
        }
        return kernels;
    }

    static Stream<Arguments> cases() {
        return casesOf(TestNetworks.ALL);
    }

    /** {@link #cases}, and the network whose convolutions a prediction hands several examples at once. */
    static Stream<Arguments> forwardCases() {
        return Stream.concat(cases(), casesOf(List.of(TestNetworks.WINOGRAD_GROUPS)));
    }

    private static Stream<Arguments> casesOf(List<NetworkModel> nets) {
        List<Kernels> kernels = kernels();
        return nets.stream().flatMap(net -> kernels.stream()
                .flatMap(k -> Stream.of(1, 2).map(threads -> Arguments.of(net.className(), net, k, threads))));
    }

    static Class<?> compiled(NetworkModel net) {
        return COMPILED.computeIfAbsent(net, CompiledModels::compile);
    }

    static float[] images(NetworkModel net, int count, long seed) {
        Random random = new Random(seed);
        float[] images = new float[count * (int) net.input().size()];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        return images;
    }

    static int[] labels(NetworkModel net, int count, long seed) {
        Random random = new Random(seed);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = random.nextInt(net.classes());
        }
        return labels;
    }

    @ParameterizedTest(name = "{0} on {2}, {3} threads")
    @MethodSource("forwardCases")
    void forwardMatchesReference(String name, NetworkModel net, Kernels kernels, int threads) {
        try (AbstractModel<?> model = CompiledModels.create(compiled(net), 11, threads, kernels)) {
            float[] images = images(net, BATCH, 1);
            int[] labels = labels(net, BATCH, 2);
            ReferenceNetwork reference = new ReferenceNetwork(net, model);

            float[] batch = new float[BATCH * net.classes()];
            model.predictBatch(images, BATCH, batch);
            float[] single = new float[net.classes()];
            for (int n = 0; n < BATCH; n++) {
                double[] expected = ReferenceNetwork.softmax(reference.logits(images, n, null));
                float[] image = java.util.Arrays.copyOfRange(images, n * model.inputSize(), (n + 1) * model.inputSize());
                model.predict(image, single);
                for (int k = 0; k < net.classes(); k++) {
                    assertEquals(expected[k], batch[n * net.classes() + k], PROB_TOL, "batch example " + n + " class " + k);
                    assertEquals(expected[k], single[k], PROB_TOL, "single example " + n + " class " + k);
                }
            }
            double expectedLoss = reference.meanLoss(images, labels, BATCH, null) + reference.l2Term();
            assertEquals(expectedLoss, model.loss(images, labels, BATCH), 1e-5 * Math.max(1, expectedLoss));
        }
    }

    @ParameterizedTest(name = "{0} on {2}, {3} threads")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(String name, NetworkModel net, Kernels kernels, int threads) {
        try (AbstractModel<?> model = CompiledModels.create(compiled(net), 5, threads, kernels)) {
            float[] images = images(net, BATCH, 3);
            int[] labels = labels(net, BATCH, 4);
            model.setStep(7);
            ReferenceNetwork reference = new ReferenceNetwork(net, model);
            ReferenceNetwork.Masks masks = new ReferenceNetwork.Masks(model.seed(), model.step());

            float loss = model.trainStep(images, labels, BATCH, KEEP_WEIGHTS);
            double expectedLoss = reference.meanLoss(images, labels, BATCH, masks) + reference.l2Term();
            assertEquals(expectedLoss, loss, 1e-5 * Math.max(1, expectedLoss), "training loss");

            for (Parameter p : model.parameters()) {
                float[] grad = p.gradToPytorch();
                if (!p.trainable()) {
                    for (float g : grad) {
                        assertEquals(0f, g, p.name() + " is frozen: no gradient");
                    }
                    continue;
                }
                double[] values = reference.param(p.name());
                double norm = 0;
                for (int i = 0; i < values.length; i++) {
                    double saved = values[i];
                    values[i] = saved + STEP;
                    double plus = reference.meanLoss(images, labels, BATCH, masks);
                    values[i] = saved - STEP;
                    double minus = reference.meanLoss(images, labels, BATCH, masks);
                    values[i] = saved;
                    double expected = (plus - minus) / (2 * STEP);
                    norm += expected * expected;
                    assertEquals(expected, grad[i], GRAD_ABS + GRAD_REL * Math.abs(expected),
                            p.name() + "[" + i + "] (PyTorch order)");
                }
                assertTrue(Math.sqrt(norm) > 1e-3, p.name() + ": the check needs a gradient that is not ~0, got norm " + Math.sqrt(norm));
            }
        }
    }

    /** Leaves the weights alone, so the gradients stay readable after the step. */
    static final Optimizer KEEP_WEIGHTS = new Optimizer() {
        @Override
        public void step(List<Parameter> parameters) {}

        @Override
        public float learningRate() {
            return 0;
        }

        @Override
        public void setLearningRate(float learningRate) {}

        @Override
        public Map<String, float[]> state() {
            return Map.of();
        }

        @Override
        public void restore(Map<String, float[]> state, List<Parameter> parameters) {}

        @Override
        public String describe() {
            return "none";
        }
    };
}
