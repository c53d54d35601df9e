package dev.kiln.processor.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.processor.model.NetworkModel;
import dev.kiln.processor.summary.SummaryTable;
import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.kernels.ScalarKernels;
import dev.kiln.runtime.model.AbstractModel;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Optimizer;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Determinism, allocation and the public surface of generated models. */
class ModelBehaviourTest {

    /** Plain SGD with the L2 term, allocation-free, so tests do not depend on the optimizer package. */
    static class Sgd implements Optimizer {
        private float lr;

        Sgd(float lr) {
            this.lr = lr;
        }

        @Override
        public void step(List<Parameter> parameters) {
            for (int p = 0; p < parameters.size(); p++) {
                Parameter parameter = parameters.get(p);
                if (!parameter.trainable()) {
                    continue;
                }
                float[] w = parameter.value(), g = parameter.grad();
                for (int i = 0; i < w.length; i++) {
                    w[i] -= lr * (g[i] + parameter.l2() * w[i]);
                }
            }
        }

        @Override
        public float learningRate() {
            return lr;
        }

        @Override
        public void setLearningRate(float learningRate) {
            lr = learningRate;
        }

        @Override
        public Map<String, float[]> state() {
            return Map.of();
        }

        @Override
        public void restore(Map<String, float[]> state, List<Parameter> parameters) {}

        @Override
        public String describe() {
            return "sgd(" + lr + ")";
        }
    }

    private static AbstractModel<?> model(NetworkModel net, long seed, int threads) {
        return CompiledModels.create(GeneratedModelTest.compiled(net), seed, threads, KernelProvider.get());
    }

    private static float[] train(AbstractModel<?> model, NetworkModel net, int steps) {
        float[] losses = new float[steps];
        Sgd sgd = new Sgd(0.2f);
        for (int s = 0; s < steps; s++) {
            float[] images = GeneratedModelTest.images(net, 7, 100 + s);
            int[] labels = GeneratedModelTest.labels(net, 7, 200 + s);
            losses[s] = model.trainStep(images, labels, 7, sgd);
        }
        return losses;
    }

    @Test
    void sameSeedAndThreadsGiveBitIdenticalTraining() {
        NetworkModel net = TestNetworks.STRIDE3_DROPOUT;
        try (var a = model(net, 42, 2); var b = model(net, 42, 2)) {
            float[] first = train(a, net, 6), second = train(b, net, 6);
            assertArrayEquals(first, second, "losses, compared bit for bit");
            for (int p = 0; p < a.parameters().size(); p++) {
                assertArrayEquals(a.parameters().get(p).value(), b.parameters().get(p).value(), a.parameters().get(p).name());
            }
            assertEquals(6, a.step());
            assertTrue(first[5] < first[0] || first[4] < first[0], "training lowers the loss: " + Arrays.toString(first));
        }
    }

    /**
     * A step that fails after the chunks but before the reduction leaves partial sums in the
     * workers' gradient buffers, which a good step otherwise leaves cleared; the next step must
     * not add them in. The model that failed must then train exactly like one that never did.
     */
    @Test
    void aStepThatFailsBeforeTheUpdateLeavesNoGradientBehind() {
        NetworkModel net = TestNetworks.CONV_DENSE;
        Optimizer failing = new Sgd(0.2f) {
            @Override
            public boolean beginStep(List<Parameter> parameters) {
                throw new IllegalStateException("optimizer failure");
            }
        };
        try (var failed = model(net, 42, 2); var clean = model(net, 42, 2)) {
            float[] images = GeneratedModelTest.images(net, 7, 99);
            int[] labels = GeneratedModelTest.labels(net, 7, 98);
            assertThrows(IllegalStateException.class, () -> failed.trainStep(images, labels, 7, failing));
            assertEquals(0, failed.step());
            assertArrayEquals(train(clean, net, 3), train(failed, net, 3), "losses, compared bit for bit");
            for (int p = 0; p < clean.parameters().size(); p++) {
                assertArrayEquals(clean.parameters().get(p).value(), failed.parameters().get(p).value(),
                        clean.parameters().get(p).name());
            }
        }
    }

    @Test
    void oneAndTwoThreadsAgreeToRounding() {
        for (NetworkModel net : List.of(TestNetworks.STRIDE3_DROPOUT, TestNetworks.CONV_DENSE)) {
            try (var one = model(net, 3, 1); var two = model(net, 3, 2)) {
                float[] a = train(one, net, 4), b = train(two, net, 4);
                for (int s = 0; s < a.length; s++) {
                    assertEquals(a[s], b[s], 1e-5 * Math.abs(a[s]), net.className() + " step " + s);
                }
                assertEquals(one.lastBatchCorrect(), two.lastBatchCorrect());
            }
        }
    }

    /**
     * A prediction keeps only the last output of each loop over examples per example (the layers
     * before it reuse one example's place), so each row of a batch must still be what that image
     * alone predicts, on one thread and on two; and training right after must see every example.
     */
    @Test
    void aBatchPredictsEachImageAsItDoesAlone() {
        NetworkModel net = GoldenSourceTest.TINY_CNN;
        int count = 9;
        float[] images = GeneratedModelTest.images(net, count, 11);
        int[] labels = GeneratedModelTest.labels(net, count, 12);
        for (int threads : new int[] {1, 2}) {
            try (var model = model(net, 3, threads); var fresh = model(net, 3, threads)) {
                int classes = model.classes(), size = model.inputSize();
                float[] batch = new float[count * classes];
                model.predictBatch(images, count, batch);
                for (int n = 0; n < count; n++) {
                    float[] alone = model.predict(Arrays.copyOfRange(images, n * size, (n + 1) * size));
                    assertArrayEquals(alone, Arrays.copyOfRange(batch, n * classes, (n + 1) * classes),
                            "image " + n + " of the batch, " + threads + " threads");
                }
                Sgd sgd = new Sgd(0.1f);
                assertEquals(fresh.trainStep(images, labels, count, sgd), model.trainStep(images, labels, count, sgd));
                assertArrayEquals(fresh.parameters().get(0).value(), model.parameters().get(0).value());
            }
        }
    }

    @Test
    void seedsChooseTheWeights() {
        NetworkModel net = GoldenSourceTest.TINY_CNN;
        try (var a = model(net, 1, 1); var b = model(net, 1, 1); var c = model(net, 2, 1)) {
            float[] wa = a.parameters().get(0).value();
            assertArrayEquals(wa, b.parameters().get(0).value());
            assertNotEquals(Arrays.toString(wa), Arrays.toString(c.parameters().get(0).value()));
            for (float w : wa) {
                assertTrue(Math.abs(w) <= 0.2f, "truncated normal, stddev 0.1, within two stddev: " + w);
            }
            for (float bias : a.parameters().get(1).value()) {
                assertEquals(0.1f, bias, "conv1's bias constant");
            }
        }
    }

    @Test
    void publicSurfaceDescribesTheNetwork() throws Exception {
        NetworkModel net = TestNetworks.CONV_DENSE;
        Class<?> type = GeneratedModelTest.compiled(net);
        try (Model model = (Model) type.getMethod("create", long.class).invoke(null, 9L)) {
            assertEquals("ConvDense", model.name());
            assertEquals(SummaryTable.render(net), model.summary());
            assertEquals(AbstractModel.defaultThreads(), model.threads());
            assertEquals(3 * 9 * 8, model.inputSize());
            assertEquals(3, model.classes());
            assertEquals(net.forwardFlops(), model.forwardFlops());
            assertTrue(model.architecture().startsWith("ConvDense 3x9x8: conv Conv(4, 3x3, stride 1, pad 1/1x1/1, relu) 4x9x8; "),
                    model.architecture());
            assertEquals(List.of("conv.weight", "conv.bias", "hidden.weight", "hidden.bias", "out.weight", "out.bias"),
                    model.parameters().stream().map(Parameter::name).toList());
            assertArrayEquals(new int[] {6, 64}, model.parameters().get(2).pytorchShape());

            float[] image = GeneratedModelTest.images(net, 1, 5);
            float[] probabilities = model.predict(image);
            assertEquals(1.0, probabilities[0] + probabilities[1] + probabilities[2], 1e-6);
            model.setThreads(1);
            assertEquals(1, model.threads());
            assertArrayEquals(probabilities, model.predict(image));

            float[] images = GeneratedModelTest.images(net, 10, 6);
            int[] labels = GeneratedModelTest.labels(net, 10, 7);
            float[] all = new float[30];
            model.predictBatch(images, 10, all);
            int correct = 0;
            for (int n = 0; n < 10; n++) {
                int best = 0;
                for (int k = 1; k < 3; k++) {
                    best = all[n * 3 + k] > all[n * 3 + best] ? k : best;
                }
                correct += best == labels[n] ? 1 : 0;
            }
            assertEquals(correct / 10.0, model.accuracy(images, labels, 10, 4), 1e-12);
            model.loss(images, labels, 10);
            assertEquals(correct, model.lastBatchCorrect());

            assertThrows(IllegalArgumentException.class, () -> model.loss(images, new int[] {0, 1, 7, 0, 0, 0, 0, 0, 0, 0}, 10));
            assertThrows(IllegalArgumentException.class, () -> model.predictBatch(images, 11, new float[33]));
        }
    }

    /**
     * After warm-up, training steps and predictions allocate nothing on the calling thread or on
     * the workers (ThreadMXBean's per-thread allocation counters).
     */
    /** Enough rounds for the kernels to leave the interpreter and C1, where vectors are objects. */
    private static final int WARM_UP = 200;
    private static final int MAX_WARM_UP_ROUNDS = 25;

    @Test
    void steadyStateAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (NetworkModel net : List.of(TestNetworks.CONV_DENSE, TestNetworks.STRIDE3_DROPOUT)) {
            // The scalar path once (it is the same code whatever the network), the JVM's kernels on both.
            var kernelSets = net == TestNetworks.CONV_DENSE ? List.of(KernelProvider.get(), new ScalarKernels()) : List.of(KernelProvider.get());
            for (var kernels : kernelSets) {
                try (AbstractModel<?> model = CompiledModels.create(GeneratedModelTest.compiled(net), 1, 2, kernels)) {
                    float[] images = GeneratedModelTest.images(net, 16, 1);
                    int[] labels = GeneratedModelTest.labels(net, 16, 2);
                    float[] image = Arrays.copyOf(images, model.inputSize());
                    float[] probabilities = new float[16 * net.classes()];
                    Sgd sgd = new Sgd(0.01f);
                    Runnable work = () -> {
                        model.trainStep(images, labels, 16, sgd);
                        model.trainStep(images, labels, 11, sgd);   // a smaller last batch reuses the buffers
                        model.predict(image, probabilities);
                        model.predictBatch(images, 16, probabilities);
                        model.loss(images, labels, 16);
                    };
                    // Warm up in rounds until a measured window allocates nothing: the kernels must
                    // first reach C2 (C1 cannot compile them and leaves vectors boxed), which takes longer on a busy machine.
                    long caller = -1, worker = -1;
                    int round = 0;
                    while (round < MAX_WARM_UP_ROUNDS && (caller != 0 || worker != 0)) {
                        for (int i = 0; i < WARM_UP; i++) {
                            work.run();
                        }
                        long[] workers = model.workerThreadIds();
                        long workersBefore = allocated(threads, workers);
                        long callerBefore = threads.getCurrentThreadAllocatedBytes();
                        for (int i = 0; i < 50; i++) {
                            work.run();
                        }
                        caller = threads.getCurrentThreadAllocatedBytes() - callerBefore;
                        worker = allocated(threads, workers) - workersBefore;
                        round++;
                    }
                    String what = net.className() + " on " + kernels.name() + " after " + round * WARM_UP + " warm-up rounds";
                    assertEquals(0, caller, what + ": bytes allocated by the caller in 50 rounds");
                    assertEquals(0, worker, what + ": bytes allocated by the workers in 50 rounds");
                }
            }
        }
    }

    /**
     * A dense layer deeper than one block of the kernels' depth (256) with outputs in a whole and
     * a partial vector block: a one-image prediction then adds block sums, the path where a
     * boxed vector once allocated 26 MB per tf-mnist prediction.
     */
    static final NetworkModel DEEP_DENSE = new NetBuilder("DeepDense", 1, 24, 24)
            .dense("hidden", 40, dev.kiln.dsl.Activation.RELU)
            .dense("out", 3, dev.kiln.dsl.Activation.NONE)
            .build();

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> predictionNetworks() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("ConvDense", TestNetworks.CONV_DENSE),
                org.junit.jupiter.params.provider.Arguments.of("DeepDense", DEEP_DENSE),
                org.junit.jupiter.params.provider.Arguments.of("WinogradGroups", TestNetworks.WINOGRAD_GROUPS));
    }

    /**
     * Four threads predicting at once on one model (single images and batches, the batches then
     * partly on their callers' threads while another holds the pool): after warm-up no thread
     * allocates, and every answer has the bits of the same call made alone.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("predictionNetworks")
    void concurrentPredictionsAllocateNothingAndAnswerAsAlone(String name, NetworkModel net) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int callers = 4, classes = net.classes();
        try (AbstractModel<?> model = CompiledModels.create(GeneratedModelTest.compiled(net), 1, 2, KernelProvider.get())) {
            float[] images = GeneratedModelTest.images(net, 6, 3);
            float[] image = Arrays.copyOf(images, model.inputSize());
            float[] aloneOne = model.predict(image);
            float[] aloneBatch = new float[6 * classes];
            model.predictBatch(images, 6, aloneBatch);
            long[] allocatedInLastWindow = new long[callers];
            boolean[] wrong = new boolean[callers];
            java.util.concurrent.CyclicBarrier rounds = new java.util.concurrent.CyclicBarrier(callers);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
            try {
                List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    int caller = c;
                    futures.add(pool.submit(() -> {
                        float[] one = new float[classes];
                        float[] batch = new float[6 * classes];
                        for (int round = 0; round < MAX_WARM_UP_ROUNDS; round++) {
                            rounds.await();                   // every caller measures the same window
                            long before = threads.getCurrentThreadAllocatedBytes();
                            for (int i = 0; i < WARM_UP; i++) {
                                model.predict(image, one);
                                model.predictBatch(images, 6, batch);
                                wrong[caller] |= !Arrays.equals(one, aloneOne) || !Arrays.equals(batch, aloneBatch);
                            }
                            allocatedInLastWindow[caller] = threads.getCurrentThreadAllocatedBytes() - before;
                            rounds.await();
                            if (Arrays.stream(allocatedInLastWindow).allMatch(bytes -> bytes == 0)) {
                                return null;
                            }
                            rounds.await();                   // all have read the window before the next one starts
                        }
                        return null;
                    }));
                }
                for (var future : futures) {
                    future.get(300, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            for (int c = 0; c < callers; c++) {
                assertEquals(false, wrong[c], "caller " + c + " got an answer that differs from the same call alone");
                assertEquals(0, allocatedInLastWindow[c], "bytes caller " + c + " allocated in " + WARM_UP + " rounds after warm-up");
            }
        }
    }

    @Test
    void aWorkspaceRefusesAChunkWhoseArraysWouldOverflowAnInt() throws ReflectiveOperationException {
        NetworkModel net = TestNetworks.CONV_DENSE;
        Class<?> type = GeneratedModelTest.compiled(net);
        long largest = Math.max(net.input().size(),
                net.layers().stream().mapToLong(l -> l.output().size()).max().orElseThrow());
        java.lang.reflect.Field field = type.getDeclaredField("MAX_CHUNK");
        field.setAccessible(true);
        int maxChunk = field.getInt(null);
        assertEquals(Integer.MAX_VALUE / largest, maxChunk);
        java.lang.reflect.Method newWorkspace = type.getDeclaredMethod("newWorkspace", int.class);
        newWorkspace.setAccessible(true);
        AbstractModel<?> model = model(net, 1, 1);
        // One more example and capacity * size passes Integer.MAX_VALUE: refused before any allocation.
        java.lang.reflect.InvocationTargetException refused = assertThrows(
                java.lang.reflect.InvocationTargetException.class, () -> newWorkspace.invoke(model, maxChunk + 1));
        assertTrue(refused.getCause() instanceof IllegalArgumentException, refused.getCause()::toString);
        assertEquals("a chunk of " + (maxChunk + 1) + " examples is more than one workspace holds (" + maxChunk
                + "): use smaller batches or more threads", refused.getCause().getMessage());
        assertTrue(newWorkspace.invoke(model, 3) != null);
    }

    private static long allocated(com.sun.management.ThreadMXBean threads, long[] ids) {
        long total = 0;
        for (long id : ids) {
            total += threads.getThreadAllocatedBytes(id);
        }
        return total;
    }
}
