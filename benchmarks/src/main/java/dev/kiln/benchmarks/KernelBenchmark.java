package dev.kiln.benchmarks;

import dev.kiln.dsl.Activation;
import dev.kiln.runtime.kernels.ConvGeometry;
import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.kernels.PoolGeometry;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Times each kernel on the seed networks' real layer shapes, on one thread, and prints GFLOP/s,
 * its share of the one-thread FMA peak measured in the same run, and bytes allocated per call.
 * Not a test: run it by hand, on a quiet machine if possible.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ... dev.kiln.benchmarks.KernelBenchmark [warmupSeconds] [secondsPerKernel] [nameRegex] [avx2]
 * </pre>
 *
 * With {@code avx2} ({@code kiln kernels --avx2}) it checks that the JVM runs at {@code -XX:UseAVX=2}, as
 * on a machine whose widest vectors are AVX2's (see {@link Avx2Machine}).
 *
 * All kernels are first run in turn for the warm-up time, so every one of them has reached C2
 * before any is timed (the cold path is 60-180x slower). Convolutions run per
 * example over a batch of 16 different examples, as a model calls them; dense layers run on 64 rows,
 * on plain and on packed weights ("packed"; packing itself is timed once per update). Pooling and
 * element-wise kernels report time only (0 GFLOP/s).
 */
public final class KernelBenchmark {

    private static final int BATCH = 16;
    private static final int DENSE_ROWS = 64;

    /** One timed call: a name, its FLOPs and the call itself. */
    private record Case(String name, long flops, Runnable call) {
    }

    public static void main(String[] args) {
        double warmup = args.length > 0 ? Double.parseDouble(args[0]) : 6;
        double perKernel = args.length > 1 ? Double.parseDouble(args[1]) : 1;
        String filter = args.length > 2 ? args[2] : "";
        if (args.length > 3 && args[3].equals("avx2")) {
            Avx2Machine.requireJvmAtAvx2();
        }
        Kernels k = KernelProvider.get();
        List<Case> cases = new ArrayList<>();
        // tf-mnist
        addConv(cases, k, "tf-mnist conv1 1->32 28x28 5x5 SAME", new ConvGeometry(1, 28, 28, 32, 5, 5, 1, 2, 2, 28, 28));
        addConv(cases, k, "tf-mnist conv2 32->64 14x14 5x5 SAME", new ConvGeometry(32, 14, 14, 64, 5, 5, 1, 2, 2, 14, 14));
        addDense(cases, k, "tf-mnist fc1 3136->1024", DENSE_ROWS, 3136, 1024);
        addDense(cases, k, "tf-mnist logits 1024->10", DENSE_ROWS, 1024, 10);
        // keras-mnist
        addConv(cases, k, "keras-mnist conv1 1->32 28x28 3x3 VALID", new ConvGeometry(1, 28, 28, 32, 3, 3, 1, 0, 0, 26, 26));
        addConv(cases, k, "keras-mnist conv2 32->64 13x13 3x3 VALID", new ConvGeometry(32, 13, 13, 64, 3, 3, 1, 0, 0, 11, 11));
        addDense(cases, k, "keras-mnist dense 1600->10", DENSE_ROWS, 1600, 10);
        addPool(cases, k, "keras-mnist pool1 32ch 26->13", new PoolGeometry(32, 26, 26, 2, 2, 2, 0, 0, 13, 13));
        addPool(cases, k, "keras-mnist pool2 64ch 11->5", new PoolGeometry(64, 11, 11, 2, 2, 2, 0, 0, 5, 5));
        addPool(cases, k, "tf-mnist pool1 32ch 28->14", new PoolGeometry(32, 28, 28, 2, 2, 2, 0, 0, 14, 14));
        // pytorch-mnist
        addConv(cases, k, "pytorch-mnist conv1 1->32 28x28 3x3 VALID", new ConvGeometry(1, 28, 28, 32, 3, 3, 1, 0, 0, 26, 26));
        addConv(cases, k, "pytorch-mnist conv2 32->64 13x13 2x2 VALID", new ConvGeometry(32, 13, 13, 64, 2, 2, 1, 0, 0, 12, 12));
        // tf-16-36
        addConv(cases, k, "tf-16-36 conv1 1->16 28x28 5x5 SAME", new ConvGeometry(1, 28, 28, 16, 5, 5, 1, 2, 2, 28, 28));
        addConv(cases, k, "tf-16-36 conv2 16->36 14x14 5x5 SAME", new ConvGeometry(16, 14, 14, 36, 5, 5, 1, 2, 2, 14, 14));
        addPool(cases, k, "tf-16-36 pool2 36ch 14->7", new PoolGeometry(36, 14, 14, 2, 2, 2, 0, 0, 7, 7));
        addDense(cases, k, "tf-16-36 fc 1764->128", DENSE_ROWS, 1764, 128);
        // lenet-like
        addConv(cases, k, "lenet-like conv2 32->64 14x14 3x3 SAME", new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 1, 1, 14, 14));
        addConv(cases, k, "lenet-like conv3 64->128 7x7 3x3 SAME", new ConvGeometry(64, 7, 7, 128, 3, 3, 1, 1, 1, 7, 7));
        addDense(cases, k, "lenet-like fc 2048->625", DENSE_ROWS, 2048, 625);
        // emotion
        addConv(cases, k, "emotion conv1 1->32 48x48 5x5 SAME", new ConvGeometry(1, 48, 48, 32, 5, 5, 1, 2, 2, 48, 48));
        addConv(cases, k, "emotion conv2 32->64 24x24 3x3 SAME", new ConvGeometry(32, 24, 24, 64, 3, 3, 1, 1, 1, 24, 24));
        addDense(cases, k, "emotion fc 9216->256", DENSE_ROWS, 9216, 256);
        // single-image inference of the largest dense layer
        addDense(cases, k, "tf-mnist fc1 3136->1024, 1 row", 1, 3136, 1024);

        java.util.regex.Pattern only = java.util.regex.Pattern.compile(filter);
        cases.removeIf(c -> !only.matcher(c.name()).find());
        System.out.printf("kernels: %s, 1 thread, warm-up %.0f s, %.1f s per kernel%n", k.name(), warmup, perKernel);
        long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
        while (System.nanoTime() < warmEnd) {
            for (Case c : cases) {
                c.call().run();
            }
        }
        // The peak is measured beside the kernels because this machine's speed drifts by 20% and
        // more from hour to hour: a share of a peak measured at another time would mean little.
        Optional<MachinePeak> machine = MachinePeak.compile();
        Optional<MachinePeak.Peak> before = machine.flatMap(m -> m.measure(1, k.vectorBits()));
        double peak = MachinePeak.gflops(before);
        System.out.printf("FP32 FMA peak on 1 thread, measured now: %.1f GFLOP/s (peak.c, %s; kernels: %s)%n",
                peak, MachinePeak.describe(before), k.name());
        System.out.printf("%-48s %10s %8s %10s %12s%n", "kernel", "GFLOP/s", "% peak", "us/call", "bytes/call");
        StolenTime stolen = new StolenTime();
        stolen.start();
        for (Case c : cases) {
            measure(c, perKernel, peak);
        }
        stolen.stop();
        double after = MachinePeak.gflops(machine.flatMap(m -> m.measure(1, k.vectorBits())));
        System.out.printf("FP32 FMA peak on 1 thread, measured again after the kernels: %.1f GFLOP/s%n", after);
        System.out.printf("CPU time the hypervisor gave to other guests during the kernels (/proc/stat steal): %s%n",
                stolen.describe());
    }

    private static void measure(Case c, double seconds, double peak) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long calls = 0;
        long bytes0 = threads.getThreadAllocatedBytes(tid);
        long t0 = System.nanoTime(), end = t0 + (long) (seconds * 1e9), t;
        do {
            c.call().run();
            calls++;
            t = System.nanoTime();
        } while (t < end);
        long bytes = threads.getThreadAllocatedBytes(tid) - bytes0;
        double perCall = (t - t0) / (double) calls;
        double gflops = c.flops() / perCall;
        System.out.printf("%-48s %10.1f %8.0f %10.1f %12d%n", c.name(), gflops, 100 * gflops / peak, perCall / 1e3, bytes / calls);
    }

    private static void addConv(List<Case> cases, Kernels k, String name, ConvGeometry g) {
        Random rnd = new Random(1);
        float[] x = random(rnd, BATCH * g.inSize()), w = random(rnd, g.weightSize()), b = random(rnd, g.outC());
        float[] y = new float[BATCH * g.outSize()], dz = random(rnd, BATCH * g.outSize());
        float[] dx = new float[BATCH * g.inSize()], dw = new float[g.weightSize()], db = new float[g.outC()];
        long flops = BATCH * g.flops();
        cases.add(new Case(name + " fwd", flops, () -> {
            for (int e = 0; e < BATCH; e++) k.convForward(g, Activation.RELU, x, e * g.inSize(), w, b, y, e * g.outSize());
        }));
        cases.add(new Case(name + " dx", flops, () -> {
            for (int e = 0; e < BATCH; e++) k.convBackwardInput(g, dz, e * g.outSize(), w, dx, e * g.inSize());
        }));
        // A Winograd convolution does fewer multiplications; its GFLOP/s count the direct ones it replaces.
        String fast = " (Winograd F(2x2," + g.kh() + "x" + g.kw() + "), direct-equivalent FLOPs)";
        cases.add(new Case(name + " dw" + (k.convBackwardWeightsIsWinograd(g) ? fast : ""), flops,
                () -> k.convBackwardWeights(g, BATCH, x, 0, dz, 0, dw, db)));
        float[] packed = new float[k.packedConvSize(g)];
        k.packConvWeights(g, w, packed);
        cases.add(new Case(name + " fwd packed" + (k.convForwardIsWinograd(g) ? fast : ""), flops, () -> {
            for (int e = 0; e < BATCH; e++) k.convForwardPacked(g, Activation.RELU, x, e * g.inSize(), w, packed, b, y, e * g.outSize());
        }));
        if (k.packedConvInferenceSize(g) > 0) {
            // A prediction's form: Winograd on 4x4 output tiles, from a second transformed kernel, as
            // many examples a call as a model's prediction hands it.
            float[] inference = new float[k.packedConvInferenceSize(g)];
            k.packConvInferenceWeights(g, w, inference);
            int group = k.convInferenceExamples(g);
            cases.add(new Case(name + " fwd inference (Winograd F(4x4," + g.kh() + "x" + g.kw() + "), direct-equivalent FLOPs)",
                    flops, () -> {
                        for (int e = 0; e < BATCH; e += group) {
                            k.convInferencePacked(g, Activation.RELU, Math.min(group, BATCH - e), x, e * g.inSize(), w, packed,
                                    inference, b, y, e * g.outSize());
                        }
                    }));
        }
        cases.add(new Case(name + " dx packed" + (k.convBackwardInputIsWinograd(g) ? fast : ""), flops, () -> {
            for (int e = 0; e < BATCH; e++) k.convBackwardInputPacked(g, dz, e * g.outSize(), packed, dx, e * g.inSize());
        }));
        cases.add(new Case(name + " pack (once per update)", 0, () -> k.packConvWeights(g, w, packed)));
    }

    private static void addDense(List<Case> cases, Kernels k, String name, int rows, int in, int out) {
        Random rnd = new Random(2);
        float[] x = random(rnd, rows * in), w = random(rnd, in * out), b = random(rnd, out);
        float[] y = new float[rows * out], dz = random(rnd, rows * out), dx = new float[rows * in];
        float[] dw = new float[in * out], db = new float[out];
        long flops = 2L * rows * in * out;
        cases.add(new Case(name + " fwd", flops, () -> k.denseForward(rows, in, out, Activation.RELU, x, 0, w, b, y, 0)));
        cases.add(new Case(name + " dx", flops, () -> k.denseBackwardInput(rows, in, out, dz, 0, w, dx, 0)));
        cases.add(new Case(name + " dw", flops, () -> k.denseBackwardWeights(rows, in, out, x, 0, dz, 0, dw, db)));
        // Written rather than added to dw: how training computes a large layer's, over the whole batch.
        cases.add(new Case(name + " dw written", flops, () -> {
            k.denseBackwardWeightRows(rows, in, out, x, 0, dz, 0, dw, 0, in, false);
            k.denseBackwardBias(rows, out, dz, 0, db);
        }));
        // A block of rows at a time into one small buffer, which the optimizer applies at once: how
        // training computes a large layer's by default, in its update, never storing it whole.
        float[] prepared = new float[k.denseWeightBlockInputSize(rows, out)];
        int blockRows = k.denseWeightBlockRows(out);
        float[] block = new float[blockRows * out];
        cases.add(new Case(name + " dw in blocks", flops, () -> {
            k.prepareDenseWeightBlocks(rows, out, dz, 0, prepared);
            for (int from = 0; from < in; from += blockRows) {
                int to = Math.min(in, from + blockRows);
                k.denseBackwardWeightBlock(rows, in, out, x, 0, prepared, block, 0, from, to);
            }
        }));
        float[] packed = new float[k.packedDenseSize(in, out)];
        k.packDenseWeights(in, out, w, packed);
        cases.add(new Case(name + " fwd packed", flops,
                () -> k.denseForwardPacked(rows, in, out, Activation.RELU, x, 0, packed, b, y, 0)));
        cases.add(new Case(name + " pack (once per update)", 0, () -> k.packDenseWeights(in, out, w, packed)));
    }

    /** Max pooling forward and backward and the ReLU gradient of its input, over BATCH examples (no FLOPs counted). */
    private static void addPool(List<Case> cases, Kernels k, String name, PoolGeometry g) {
        Random rnd = new Random(3);
        float[] x = random(rnd, BATCH * g.inSize()), y = new float[BATCH * g.outSize()];
        float[] dy = random(rnd, BATCH * g.outSize()), dx = new float[BATCH * g.inSize()];
        int[] argmax = new int[BATCH * g.outSize()];
        cases.add(new Case(name + " maxPool fwd", 0, () -> {
            for (int e = 0; e < BATCH; e++) k.maxPoolForward(g, x, e * g.inSize(), y, e * g.outSize(), argmax, e * g.outSize());
        }));
        cases.add(new Case(name + " maxPool bwd", 0, () -> {
            for (int e = 0; e < BATCH; e++) k.maxPoolBackward(g, dy, e * g.outSize(), argmax, e * g.outSize(), dx, e * g.inSize());
        }));
        cases.add(new Case(name + " relu bwd (pool input)", 0, () -> k.activationBackward(Activation.RELU, x, dx, 0, dx.length)));
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (rnd.nextFloat() * 2 - 1) * 0.1f;
        return a;
    }
}
