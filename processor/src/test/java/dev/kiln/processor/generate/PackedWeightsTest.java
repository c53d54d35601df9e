package dev.kiln.processor.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.kiln.processor.model.NetworkModel;
import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.model.AbstractModel;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Optimizer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Generated models read dense weights (and the weights of convolutions' input gradients) from
 * packed copies; these tests change the weights every way a user or a checkpoint can and check
 * that no pass ever sees a stale copy. Each compares against a model that never held the old
 * weights, bit for bit (same kernels, same thread count).
 */
class PackedWeightsTest {
    /** A second convolution (packed input gradient) and a dense layer; one with a frozen packed conv. */
    private static final List<NetworkModel> NETS = List.of(TestNetworks.STRIDES, TestNetworks.FROZEN_MIDDLE,
            TestNetworks.CONV_DENSE);
    private static final int BATCH = 6;

    /** {@link ModelBehaviourTest.Sgd} updated by index range from the workers (the fused update path). */
    static final class RangeSgd extends ModelBehaviourTest.Sgd {
        RangeSgd(float lr) {
            super(lr);
        }

        @Override
        public boolean beginStep(List<Parameter> parameters) {
            return true;
        }

        @Override
        public void updateRange(Parameter p, int from, int to) {
            float[] w = p.value(), g = p.grad();
            for (int i = from; i < to; i++) {
                w[i] -= learningRate() * (g[i] + p.l2() * w[i]);
            }
        }
    }

    private static AbstractModel<?> model(NetworkModel net, long seed, int threads) {
        return CompiledModels.create(GeneratedModelTest.compiled(net), seed, threads, KernelProvider.get());
    }

    private static float[] predictions(AbstractModel<?> model, NetworkModel net) {
        float[] out = new float[BATCH * net.classes()];
        model.predictBatch(GeneratedModelTest.images(net, BATCH, 31), BATCH, out);
        return out;
    }

    private static float[] train(AbstractModel<?> model, NetworkModel net, int steps, Optimizer optimizer) {
        float[] losses = new float[steps];
        for (int s = 0; s < steps; s++) {
            losses[s] = model.trainStep(GeneratedModelTest.images(net, BATCH, 300 + s),
                    GeneratedModelTest.labels(net, BATCH, 400 + s), BATCH, optimizer);
        }
        return losses;
    }

    /** Copies every weight of {@code from} into {@code to} the way a checkpoint load does. */
    private static void loadLikeACheckpoint(AbstractModel<?> from, AbstractModel<?> to) {
        for (int p = 0; p < from.parameters().size(); p++) {
            to.parameters().get(p).fromPytorch(from.parameters().get(p).toPytorch());
        }
    }

    private static void assertSameBehaviour(AbstractModel<?> expected, AbstractModel<?> actual, NetworkModel net, String what) {
        assertArrayEquals(predictions(expected, net), predictions(actual, net), what + ": batch predictions");
        float[] image = Arrays.copyOf(GeneratedModelTest.images(net, 1, 32), expected.inputSize());
        assertArrayEquals(expected.predict(image), actual.predict(image), what + ": single prediction");
        float[] images = GeneratedModelTest.images(net, BATCH, 33);
        int[] labels = GeneratedModelTest.labels(net, BATCH, 34);
        assertEquals(expected.loss(images, labels, BATCH), actual.loss(images, labels, BATCH), what + ": loss");
    }

    @Test
    void checkpointLoadReachesPredictionsAndTraining() {
        for (NetworkModel net : NETS) {
            for (int threads : new int[] {1, 2}) {
                String what = net.className() + ", " + threads + " threads";
                try (var source = model(net, 1, threads); var loaded = model(net, 2, threads)) {
                    assertNotEquals(Arrays.toString(predictions(source, net)), Arrays.toString(predictions(loaded, net)),
                            what + ": seeds 1 and 2 must predict differently for this test to mean anything");
                    loadLikeACheckpoint(source, loaded);
                    assertSameBehaviour(source, loaded, net, what);
                    assertArrayEquals(train(source, net, 2, new RangeSgd(0.1f)), train(loaded, net, 2, new RangeSgd(0.1f)),
                            what + ": training losses after the load");
                }
            }
        }
    }

    @Test
    void directWritesCountOnceMarkedChanged() {
        NetworkModel net = TestNetworks.STRIDES;
        try (var source = model(net, 1, 2); var written = model(net, 2, 2)) {
            predictions(written, net);                     // packs seed 2's weights
            for (int p = 0; p < source.parameters().size(); p++) {
                Parameter to = written.parameters().get(p);
                float[] values = source.parameters().get(p).value();
                System.arraycopy(values, 0, to.value(), 0, values.length);
                to.markChanged();
            }
            assertSameBehaviour(source, written, net, "after markChanged");
        }
    }

    /** A trained model behaves exactly like a fresh one given its weights: every update was repacked. */
    @Test
    void optimizerUpdatesAreRepacked() {
        for (NetworkModel net : NETS) {
            for (int threads : new int[] {1, 2}) {
                for (Optimizer optimizer : List.of(new ModelBehaviourTest.Sgd(0.1f), new RangeSgd(0.1f))) {
                    String what = net.className() + ", " + threads + " threads, " + optimizer.getClass().getSimpleName();
                    try (var trained = model(net, 5, threads); var fresh = model(net, 6, threads)) {
                        train(trained, net, 3, optimizer);
                        loadLikeACheckpoint(trained, fresh);
                        assertSameBehaviour(fresh, trained, net, what);
                    }
                }
            }
        }
    }

    @Test
    void wholeStepAndRangeUpdatesTrainIdentically() {
        for (NetworkModel net : NETS) {
            try (var whole = model(net, 8, 2); var ranges = model(net, 8, 2)) {
                assertArrayEquals(train(whole, net, 4, new ModelBehaviourTest.Sgd(0.1f)),
                        train(ranges, net, 4, new RangeSgd(0.1f)), net.className() + ": losses");
                assertSameBehaviour(whole, ranges, net, net.className());
            }
        }
    }

    @Test
    void oneAndTwoThreadsTrainAlikeToRounding() {
        for (NetworkModel net : NETS) {
            try (var one = model(net, 9, 1); var two = model(net, 9, 2)) {
                float[] a = train(one, net, 5, new RangeSgd(0.1f)), b = train(two, net, 5, new RangeSgd(0.1f));
                for (int s = 0; s < a.length; s++) {
                    assertEquals(a[s], b[s], 1e-5 * Math.abs(a[s]), net.className() + " step " + s);
                }
                for (int p = 0; p < one.parameters().size(); p++) {
                    float[] x = one.parameters().get(p).value(), y = two.parameters().get(p).value();
                    for (int i = 0; i < x.length; i++) {
                        assertEquals(x[i], y[i], 1e-5 + 1e-4 * Math.abs(x[i]), one.parameters().get(p).name() + "[" + i + "]");
                    }
                }
            }
        }
    }
}
