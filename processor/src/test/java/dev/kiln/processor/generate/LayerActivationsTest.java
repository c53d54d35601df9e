package dev.kiln.processor.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.processor.model.NetworkModel;
import dev.kiln.processor.model.ResolvedLayer;
import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.model.AbstractModel;
import dev.kiln.runtime.model.LayerInfo;
import dev.kiln.runtime.model.SoftmaxCrossEntropy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated {@code layers()} description and {@code activations(image, layer)}: every layer's
 * output against the double-precision {@link ReferenceNetwork}, the last layer's against the
 * model's own predictions, and many threads at once against one.
 */
class LayerActivationsTest {
    /** Activations within 1e-5 (absolute, plus 1e-5 relative) of the reference: float arithmetic on small layers. */
    private static final double TOL = 1e-5;

    static Stream<Arguments> cases() {
        List<Kernels> kernels = GeneratedModelTest.kernels();
        return TestNetworks.ALL.stream().flatMap(net -> kernels.stream().map(k -> Arguments.of(net.className(), net, k)));
    }

    private static AbstractModel<?> model(NetworkModel net, Kernels kernels) {
        return CompiledModels.create(GeneratedModelTest.compiled(net), 11, 2, kernels);
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("cases")
    void layersDescribeTheDeclaredNetwork(String name, NetworkModel net, Kernels kernels) {
        try (AbstractModel<?> model = model(net, kernels)) {
            List<LayerInfo> layers = model.layers();
            assertEquals(net.layers().size(), layers.size());
            for (int i = 0; i < layers.size(); i++) {
                ResolvedLayer declared = net.layers().get(i);
                LayerInfo described = layers.get(i);
                assertEquals(declared.name(), described.name());
                assertEquals(declared.output().size(), described.outputSize(), declared.name());
                assertEquals(declared.output().channels(), described.channels(), declared.name());
                assertTrue(described.description().startsWith(declared.name() + ": "), described.description());
                String kind = declared.spec().kind();           // "Conv", "MaxPool", "GlobalAvgPool", ...
                assertEquals(kind.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT),
                        described.kind().name(), declared.name());
            }
        }
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("cases")
    void everyLayersActivationsMatchTheReference(String name, NetworkModel net, Kernels kernels) {
        try (AbstractModel<?> model = model(net, kernels)) {
            ReferenceNetwork reference = new ReferenceNetwork(net, model);
            float[] images = GeneratedModelTest.images(net, 3, 21);
            for (int n = 0; n < 3; n++) {
                float[] image = Arrays.copyOfRange(images, n * model.inputSize(), (n + 1) * model.inputSize());
                List<double[]> expected = reference.layerOutputs(images, n, null);
                for (int i = 0; i < net.layers().size(); i++) {
                    String layer = net.layers().get(i).name();
                    float[] actual = model.activations(image, layer);
                    assertEquals(expected.get(i).length, actual.length, layer);
                    for (int k = 0; k < actual.length; k++) {
                        double e = expected.get(i)[k];
                        assertEquals(e, actual[k], TOL + TOL * Math.abs(e), layer + "[" + k + "] (C, H, W order), example " + n);
                    }
                }
            }
        }
    }

    /** The last layer's activations are the logits predict() turns into probabilities: the same bits. */
    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("cases")
    void lastLayersActivationsAreThePredictionsLogits(String name, NetworkModel net, Kernels kernels) {
        try (AbstractModel<?> model = model(net, kernels)) {
            float[] image = GeneratedModelTest.images(net, 1, 5);
            float[] logits = model.activations(image, net.layers().get(net.layers().size() - 1).name());
            float[] fromLogits = new float[model.classes()];
            SoftmaxCrossEntropy.probabilities(logits, 1, model.classes(), fromLogits, 0);
            assertArrayEquals(model.predict(image), fromLogits);
        }
    }

    @Test
    void manyThreadsAtOnceGetWhatOneGets() throws Exception {
        NetworkModel net = TestNetworks.CONV_DENSE;
        try (AbstractModel<?> model = model(net, KernelProvider.get())) {
            int images = 16;
            float[] all = GeneratedModelTest.images(net, images, 9);
            List<float[]> alone = new ArrayList<>();
            for (int n = 0; n < images; n++) {
                alone.add(model.activations(Arrays.copyOfRange(all, n * model.inputSize(), (n + 1) * model.inputSize()), "conv"));
            }
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                List<Future<float[]>> answers = new ArrayList<>();
                for (int round = 0; round < 20; round++) {
                    for (int n = 0; n < images; n++) {
                        float[] image = Arrays.copyOfRange(all, n * model.inputSize(), (n + 1) * model.inputSize());
                        answers.add(threads.submit(() -> model.activations(image, "conv")));
                    }
                }
                for (int a = 0; a < answers.size(); a++) {
                    assertArrayEquals(alone.get(a % images), answers.get(a).get(), "answer " + a);
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void anUnknownLayerOrAShortImageIsAClearError() {
        NetworkModel net = TestNetworks.CONV_DENSE;
        try (AbstractModel<?> model = model(net, KernelProvider.get())) {
            float[] image = new float[model.inputSize()];
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> model.activations(image, "conv9"));
            assertEquals("ConvDense has no layer \"conv9\"; its layers are [conv, pool, hidden, out]", unknown.getMessage());
            IllegalArgumentException shortImage = assertThrows(IllegalArgumentException.class,
                    () -> model.activations(new float[5], "conv"));
            assertTrue(shortImage.getMessage().contains("3x9x8"), shortImage.getMessage());
        }
    }
}
