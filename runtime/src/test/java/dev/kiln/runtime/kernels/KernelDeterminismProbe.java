package dev.kiln.runtime.kernels;

import dev.kiln.dsl.Activation;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import javax.management.ObjectName;

/**
 * Run in a fresh JVM by {@link KernelDeterminismTest}: computes every kernel method once cold
 * (interpreted: nothing is compiled yet, and C1 is excluded for the SIMD classes), then calls
 * each of them {@code args[1]} times so C2 compiles them, waits for the compilations still under
 * way, computes again and prints one line per case, "SAME name" or "DIFF name index cold hot".
 * args[0] is "vector" or "scalar".
 *
 * <p>Shapes are small and awkward: partial vectors (channel counts 1, 3, 9, 20, 36, outputs 10,
 * 37, 70, 130), both input-gradient strategies, the streamed rows and the tiled rows of dense
 * layers, strides, SAME padding, and every activation.
 */
public final class KernelDeterminismProbe {

    /** Longest wait for the kernels' compilations to finish before the hot results. */
    private static final long COMPILE_WAIT_NANOS = 30_000_000_000L;

    private KernelDeterminismProbe() {
    }

    public static void main(String[] args) throws Exception {
        Kernels k = "scalar".equals(args[0]) ? new ScalarKernels() : KernelProvider.get();
        int calls = Integer.parseInt(args[1]);
        System.out.println("KERNELS " + k.name());
        Map<String, Supplier<float[]>> cases = cases(k);
        Map<String, float[]> cold = new LinkedHashMap<>();
        cases.forEach((name, c) -> cold.put(name, c.get()));
        for (int i = 0; i < calls; i++) {
            for (Supplier<float[]> c : cases.values()) {
                c.get();
            }
        }
        awaitKernelCompilations();
        cases.forEach((name, c) -> System.out.println(compare(name, cold.get(name), c.get())));
    }

    /**
     * Waits until C2 has no kernel method queued or in progress. The kernels' drivers (loops over
     * tiles, dispatchers such as WinogradConv.outputTile) compile in the background even under
     * -Xbatch (the runtime's compiler directives ask for it), and some small SIMD methods only ever
     * run compiled inlined into them: on a busy machine a driver's compilation could still be
     * queued when the calls ended, and the hot results came partly from the interpreter.
     */
    private static void awaitKernelCompilations() throws Exception {
        ObjectName diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
        long deadline = System.nanoTime() + COMPILE_WAIT_NANOS;
        while (((String) ManagementFactory.getPlatformMBeanServer().invoke(diagnostics, "compilerQueue", null, null))
                .contains("dev.kiln.")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("kernel compilations still queued after "
                        + COMPILE_WAIT_NANOS / 1_000_000_000L + " s");
            }
            Thread.sleep(10);
        }
    }

    private static String compare(String name, float[] cold, float[] hot) {
        for (int i = 0; i < cold.length; i++) {
            if (Float.floatToRawIntBits(cold[i]) != Float.floatToRawIntBits(hot[i])) {
                return "DIFF " + name + " " + i + " " + cold[i] + " " + hot[i];
            }
        }
        return "SAME " + name;
    }

    static Map<String, Supplier<float[]>> cases(Kernels k) {
        Map<String, Supplier<float[]>> cases = new LinkedHashMap<>();
        List<ConvGeometry> convs = List.of(
                new ConvGeometry(1, 9, 9, 20, 5, 5, 1, 2, 2, 9, 9),       // SAME, few input channels: product and scatter
                new ConvGeometry(9, 7, 7, 36, 3, 3, 1, 1, 1, 7, 7),       // SAME: the flipped-kernel input gradient
                new ConvGeometry(3, 8, 8, 17, 2, 2, 2, 0, 0, 4, 4),       // VALID, stride 2: product and scatter
                // 5x5 stride 1: Winograd F(2x2, 5x5) forward and input gradient; the weight gradient's
                // three-vector tile (transposed products, 36 output channels in 3 vectors at 512 bits)
                new ConvGeometry(16, 7, 7, 36, 5, 5, 1, 2, 2, 7, 7),
                new ConvGeometry(16, 7, 7, 20, 3, 3, 1, 1, 1, 7, 7),      // 3x3 stride 1: Winograd F(2x2, 3x3)
                new ConvGeometry(16, 7, 7, 16, 3, 3, 1, 1, 1, 7, 7),      // one vector of each: the weight gradient's one-vector tile
                new ConvGeometry(16, 7, 7, 20, 2, 2, 1, 0, 0, 6, 6));     // 2x2 stride 1: Winograd F(2x2, 2x2)
        for (ConvGeometry g : convs) {
            Random rnd = new Random(g.hashCode());
            float[] x = random(rnd, g.inSize()), w = random(rnd, g.weightSize()), b = random(rnd, g.outC());
            float[] dz = random(rnd, g.outSize()), dw0 = random(rnd, g.weightSize()), db0 = random(rnd, g.outC());
            for (Activation act : Activation.values()) {
                cases.put("convForward " + act + " " + g, () -> {
                    float[] y = new float[g.outSize()];
                    k.convForward(g, act, x, 0, w, b, y, 0);
                    return y;
                });
            }
            float[] forwardPacked = new float[k.packedConvSize(g)];
            cases.put("convForwardPacked " + g, () -> {
                k.packConvWeights(g, w, forwardPacked);
                float[] y = new float[g.outSize()];
                k.convForwardPacked(g, Activation.RELU, x, 0, w, forwardPacked, b, y, 0);
                return y;
            });
            cases.put("convBackwardInput " + g, () -> {
                float[] dx = new float[g.inSize()];
                k.convBackwardInput(g, dz, 0, w, dx, 0);
                return dx;
            });
            float[] packed = new float[k.packedConvSize(g)];
            cases.put("convBackwardInputPacked " + g, () -> {
                k.packConvWeights(g, w, packed);
                float[] dx = new float[g.inSize()];
                k.convBackwardInputPacked(g, dz, 0, packed, dx, 0);
                return dx;
            });
            cases.put("convBackwardWeights " + g, () -> {
                float[] dw = dw0.clone(), db = db0.clone();
                k.convBackwardWeights(g, 1, x, 0, dz, 0, dw, db);
                return concat(dw, db);
            });
        }
        int[][] inOut = {{70, 37}, {37, 70}, {300, 10}, {10, 130}};
        for (int rows : new int[] {1, 2, 5, 9}) {
            for (int[] io : inOut) {
                addDense(cases, k, rows, io[0], io[1]);
            }
        }
        for (PoolGeometry g : List.of(new PoolGeometry(36, 7, 7, 2, 2, 2, 0, 0, 4, 4),
                new PoolGeometry(3, 7, 7, 3, 3, 2, 1, 1, 4, 4))) {
            Random rnd = new Random(g.hashCode());
            float[] x = random(rnd, g.inSize()), dy = random(rnd, g.outSize());
            cases.put("maxPool " + g, () -> {
                float[] y = new float[g.outSize()], dx = new float[g.inSize()];
                int[] arg = new int[g.outSize()];
                k.maxPoolForward(g, x, 0, y, 0, arg, 0);
                k.maxPoolBackward(g, dy, 0, arg, 0, dx, 0);
                return concat(y, dx);
            });
            cases.put("avgPool " + g, () -> {
                float[] y = new float[g.outSize()], dx = new float[g.inSize()];
                k.avgPoolForward(g, x, 0, y, 0);
                k.avgPoolBackward(g, dy, 0, dx, 0);
                return concat(y, dx);
            });
        }
        // Over one chunk of the gradient loop, with a partial vector at the end; long enough for
        // the loop to reach C2 in the calls the test makes.
        Random rnd = new Random(3);
        float[] y = random(rnd, 1101), dy0 = random(rnd, 1101);
        for (Activation act : Activation.values()) {
            cases.put("activationBackward " + act, () -> {
                float[] dy = dy0.clone();
                k.activationBackward(act, y, dy, 0, dy.length);
                return dy;
            });
        }
        return cases;
    }

    private static void addDense(Map<String, Supplier<float[]>> cases, Kernels k, int rows, int in, int out) {
        String shape = rows + "x" + in + "->" + out;
        Random rnd = new Random(shape.hashCode());
        float[] x = random(rnd, rows * in), w = random(rnd, in * out), b = random(rnd, out);
        float[] dz = random(rnd, rows * out), dw0 = random(rnd, in * out), db0 = random(rnd, out);
        for (Activation act : Activation.values()) {
            cases.put("denseForward " + act + " " + shape, () -> {
                float[] y = new float[rows * out];
                k.denseForward(rows, in, out, act, x, 0, w, b, y, 0);
                return y;
            });
        }
        cases.put("denseBackwardInput " + shape, () -> {
            float[] dx = new float[rows * in];
            k.denseBackwardInput(rows, in, out, dz, 0, w, dx, 0);
            return dx;
        });
        float[] packed = new float[k.packedDenseSize(in, out)];
        cases.put("denseForwardPacked " + shape, () -> {
            k.packDenseWeights(in, out, w, packed);
            float[] y = new float[rows * out];
            k.denseForwardPacked(rows, in, out, Activation.RELU, x, 0, packed, b, y, 0);
            return y;
        });
        float[] sparse = dz.clone();            // mostly zero, as dropout and ReLU leave it
        for (int i = 0; i < sparse.length; i++) {
            if (rnd.nextInt(4) > 0) sparse[i] = 0f;
        }
        cases.put("denseBackwardInput sparse " + shape, () -> {
            float[] dx = new float[rows * in];
            k.denseBackwardInput(rows, in, out, sparse, 0, w, dx, 0);
            return dx;
        });
        cases.put("denseBackwardWeights " + shape, () -> {
            float[] dw = dw0.clone(), db = db0.clone();
            k.denseBackwardWeights(rows, in, out, x, 0, dz, 0, dw, db);
            return concat(dw, db);
        });
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
