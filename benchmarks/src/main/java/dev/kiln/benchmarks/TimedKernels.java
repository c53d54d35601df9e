package dev.kiln.benchmarks;

import dev.kiln.dsl.Activation;
import dev.kiln.runtime.kernels.ConvGeometry;
import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.kernels.PoolGeometry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Kernels that run another set of kernels and add up, per kernel and layer shape, the time each
 * call took on each thread: what {@code kiln profile} reports. Every method delegates, the
 * defaults too, so a model computes exactly what it computes on the wrapped kernels.
 *
 * <p>Each thread keeps its own tallies (no contention, no allocation after a shape's first
 * call); {@link #snapshot} reads them all without locks, so it must be called while no kernel
 * runs: between training steps, when the model's worker pool has joined its workers (their
 * counter of pending tasks orders the workers' writes before the caller's reads).
 */
final class TimedKernels implements Kernels {

    /** What a timed call computes. */
    enum Phase {
        CONV_FORWARD("forward"),
        CONV_INPUT_GRADIENT("input gradient"),
        CONV_WEIGHT_GRADIENT("weight gradient"),
        CONV_PACK("packing"),
        CONV_INFERENCE("forward of a prediction"),
        DENSE_FORWARD("forward"),
        DENSE_INPUT_GRADIENT("input gradient"),
        DENSE_WEIGHT_GRADIENT("weight gradient"),
        DENSE_BIAS_GRADIENT("bias gradient"),
        DENSE_PACK("packing"),
        POOL_FORWARD("forward"),
        POOL_BACKWARD("backward"),
        ACTIVATION_BACKWARD("activation backward");

        final String label;

        Phase(String label) {
            this.label = label;
        }
    }

    /**
     * The total of one kind of call: its phase and shape (a convolution's or pool's geometry, a
     * dense layer's in and out, or none), nanoseconds, calls and FLOPs (2 per multiply-add of the
     * direct computation).
     */
    record Tally(Phase phase, Object geometry, int in, int out, long nanos, long calls, long flops) {
        Tally plus(Tally other) {
            return new Tally(phase, geometry, in, out, nanos + other.nanos, calls + other.calls, flops + other.flops);
        }

        Tally minus(Tally earlier) {
            return new Tally(phase, geometry, in, out, nanos - earlier.nanos, calls - earlier.calls, flops - earlier.flops);
        }

        boolean sameKind(Tally other) {
            return phase == other.phase && geometry == other.geometry && in == other.in && out == other.out;
        }
    }

    /** One thread's running totals, found by a linear search: a network has a few dozen kinds of call. */
    private static final class ThreadTallies {
        Phase[] phases = new Phase[32];
        Object[] geometries = new Object[32];
        int[] ins = new int[32], outs = new int[32];
        long[] nanos = new long[32], calls = new long[32], flops = new long[32];
        int size;

        void add(Phase phase, Object geometry, int in, int out, long elapsed, long flop) {
            int i = 0;
            while (i < size && !(phases[i] == phase && geometries[i] == geometry && ins[i] == in && outs[i] == out)) {
                i++;
            }
            if (i == size) {
                grow();
                phases[i] = phase;
                geometries[i] = geometry;
                ins[i] = in;
                outs[i] = out;
                size++;
            }
            nanos[i] += elapsed;
            calls[i]++;
            flops[i] += flop;
        }

        private void grow() {
            if (size < phases.length) {
                return;
            }
            int n = phases.length * 2;
            phases = Arrays.copyOf(phases, n);
            geometries = Arrays.copyOf(geometries, n);
            ins = Arrays.copyOf(ins, n);
            outs = Arrays.copyOf(outs, n);
            nanos = Arrays.copyOf(nanos, n);
            calls = Arrays.copyOf(calls, n);
            flops = Arrays.copyOf(flops, n);
        }
    }

    private final Kernels kernels;
    private final List<ThreadTallies> threads = new CopyOnWriteArrayList<>();
    private final ThreadLocal<ThreadTallies> own = ThreadLocal.withInitial(() -> {
        ThreadTallies tallies = new ThreadTallies();
        threads.add(tallies);
        return tallies;
    });

    TimedKernels(Kernels kernels) {
        this.kernels = kernels;
    }

    /** The totals so far, summed over threads, one per kind of call, in order of first call. */
    List<Tally> snapshot() {
        List<Tally> all = new ArrayList<>();
        for (ThreadTallies t : threads) {
            for (int i = 0; i < t.size; i++) {
                Tally tally = new Tally(t.phases[i], t.geometries[i], t.ins[i], t.outs[i], t.nanos[i], t.calls[i], t.flops[i]);
                int at = indexOf(all, tally);
                if (at < 0) {
                    all.add(tally);
                } else {
                    all.set(at, all.get(at).plus(tally));
                }
            }
        }
        return all;
    }

    /**
     * Nanoseconds each thread has spent in kernels so far, in the order the threads first called one
     * (a model's threads: the caller first). Read like {@link #snapshot}.
     */
    long[] nanosPerThread() {
        long[] totals = new long[threads.size()];
        for (int i = 0; i < totals.length; i++) {
            ThreadTallies t = threads.get(i);
            for (int j = 0; j < t.size; j++) {
                totals[i] += t.nanos[j];
            }
        }
        return totals;
    }

    /** Each kind of call's totals in {@code later} less those in {@code earlier}. */
    static List<Tally> since(List<Tally> earlier, List<Tally> later) {
        List<Tally> difference = new ArrayList<>();
        for (Tally tally : later) {
            int at = indexOf(earlier, tally);
            difference.add(at < 0 ? tally : tally.minus(earlier.get(at)));
        }
        return difference;
    }

    private static int indexOf(List<Tally> tallies, Tally kind) {
        for (int i = 0; i < tallies.size(); i++) {
            if (tallies.get(i).sameKind(kind)) {
                return i;
            }
        }
        return -1;
    }

    private void record(Phase phase, Object geometry, int in, int out, long start, long flops) {
        own.get().add(phase, geometry, in, out, System.nanoTime() - start, flops);
    }

    private static long denseFlops(int rows, int in, int out) {
        return 2L * rows * in * out;
    }

    @Override
    public String name() {
        return kernels.name();
    }

    @Override
    public int vectorBits() {
        return kernels.vectorBits();
    }

    // ---- convolution ----

    @Override
    public void convForward(ConvGeometry g, Activation act, float[] x, int xOff, float[] w, float[] b, float[] y, int yOff) {
        long start = System.nanoTime();
        kernels.convForward(g, act, x, xOff, w, b, y, yOff);
        record(Phase.CONV_FORWARD, g, 0, 0, start, g.flops());
    }

    @Override
    public void convBackwardInput(ConvGeometry g, float[] dz, int dzOff, float[] w, float[] dx, int dxOff) {
        long start = System.nanoTime();
        kernels.convBackwardInput(g, dz, dzOff, w, dx, dxOff);
        record(Phase.CONV_INPUT_GRADIENT, g, 0, 0, start, g.flops());
    }

    @Override
    public void convBackwardWeights(ConvGeometry g, int rows, float[] x, int xOff, float[] dz, int dzOff, float[] dw, float[] db) {
        long start = System.nanoTime();
        kernels.convBackwardWeights(g, rows, x, xOff, dz, dzOff, dw, db);
        record(Phase.CONV_WEIGHT_GRADIENT, g, 0, 0, start, rows * g.flops());
    }

    @Override
    public int packedConvSize(ConvGeometry g) {
        return kernels.packedConvSize(g);
    }

    @Override
    public void packConvWeights(ConvGeometry g, float[] w, float[] packed) {
        long start = System.nanoTime();
        kernels.packConvWeights(g, w, packed);
        record(Phase.CONV_PACK, g, 0, 0, start, 0);
    }

    @Override
    public void packConvWeights(ConvGeometry g, float[] w, float[] packed, int part, int parts) {
        long start = System.nanoTime();
        kernels.packConvWeights(g, w, packed, part, parts);
        record(Phase.CONV_PACK, g, 0, 0, start, 0);
    }

    @Override
    public void convForwardPacked(ConvGeometry g, Activation act, float[] x, int xOff, float[] w, float[] packed,
                                  float[] b, float[] y, int yOff) {
        long start = System.nanoTime();
        kernels.convForwardPacked(g, act, x, xOff, w, packed, b, y, yOff);
        record(Phase.CONV_FORWARD, g, 0, 0, start, g.flops());
    }

    @Override
    public int packedConvInferenceSize(ConvGeometry g) {
        return kernels.packedConvInferenceSize(g);
    }

    @Override
    public void packConvInferenceWeights(ConvGeometry g, float[] w, float[] inference) {
        long start = System.nanoTime();
        kernels.packConvInferenceWeights(g, w, inference);
        record(Phase.CONV_PACK, g, 0, 0, start, 0);
    }

    @Override
    public void convInferencePacked(ConvGeometry g, Activation act, int examples, float[] x, int xOff, float[] w,
                                    float[] packed, float[] inference, float[] b, float[] y, int yOff) {
        long start = System.nanoTime();
        kernels.convInferencePacked(g, act, examples, x, xOff, w, packed, inference, b, y, yOff);
        record(Phase.CONV_INFERENCE, g, 0, 0, start, examples * g.flops());
    }

    @Override
    public int convInferenceExamples(ConvGeometry g) {
        return kernels.convInferenceExamples(g);
    }

    @Override
    public boolean convForwardIsWinograd(ConvGeometry g) {
        return kernels.convForwardIsWinograd(g);
    }

    @Override
    public boolean convBackwardInputIsWinograd(ConvGeometry g) {
        return kernels.convBackwardInputIsWinograd(g);
    }

    @Override
    public boolean convBackwardWeightsIsWinograd(ConvGeometry g) {
        return kernels.convBackwardWeightsIsWinograd(g);
    }

    @Override
    public void convBackwardInputPacked(ConvGeometry g, float[] dz, int dzOff, float[] packed, float[] dx, int dxOff) {
        long start = System.nanoTime();
        kernels.convBackwardInputPacked(g, dz, dzOff, packed, dx, dxOff);
        record(Phase.CONV_INPUT_GRADIENT, g, 0, 0, start, g.flops());
    }

    // ---- dense ----

    @Override
    public void denseForward(int rows, int in, int out, Activation act, float[] x, int xOff, float[] w, float[] b,
                             float[] y, int yOff) {
        long start = System.nanoTime();
        kernels.denseForward(rows, in, out, act, x, xOff, w, b, y, yOff);
        record(Phase.DENSE_FORWARD, null, in, out, start, denseFlops(rows, in, out));
    }

    @Override
    public void denseBackwardInput(int rows, int in, int out, float[] dz, int dzOff, float[] w, float[] dx, int dxOff) {
        long start = System.nanoTime();
        kernels.denseBackwardInput(rows, in, out, dz, dzOff, w, dx, dxOff);
        record(Phase.DENSE_INPUT_GRADIENT, null, in, out, start, denseFlops(rows, in, out));
    }

    @Override
    public void denseBackwardWeights(int rows, int in, int out, float[] x, int xOff, float[] dz, int dzOff,
                                     float[] dw, float[] db) {
        long start = System.nanoTime();
        kernels.denseBackwardWeights(rows, in, out, x, xOff, dz, dzOff, dw, db);
        record(Phase.DENSE_WEIGHT_GRADIENT, null, in, out, start, denseFlops(rows, in, out));
    }

    @Override
    public void denseBackwardWeightRows(int rows, int in, int out, float[] x, int xOff, float[] dz, int dzOff,
                                        float[] dw, int from, int to, boolean accumulate) {
        long start = System.nanoTime();
        kernels.denseBackwardWeightRows(rows, in, out, x, xOff, dz, dzOff, dw, from, to, accumulate);
        record(Phase.DENSE_WEIGHT_GRADIENT, null, in, out, start, denseFlops(rows, to - from, out));
    }

    @Override
    public int denseWeightBlockInputSize(int rows, int out) {
        return kernels.denseWeightBlockInputSize(rows, out);
    }

    @Override
    public void prepareDenseWeightBlocks(int rows, int out, float[] dz, int dzOff, float[] prepared) {
        kernels.prepareDenseWeightBlocks(rows, out, dz, dzOff, prepared);    // a copy of dz, not timed: no layer's in to file it under
    }

    @Override
    public void denseBackwardWeightBlock(int rows, int in, int out, float[] x, int xOff, float[] prepared, float[] dst,
                                         int dstOff, int from, int to) {
        long start = System.nanoTime();
        kernels.denseBackwardWeightBlock(rows, in, out, x, xOff, prepared, dst, dstOff, from, to);
        record(Phase.DENSE_WEIGHT_GRADIENT, null, in, out, start, denseFlops(rows, to - from, out));
    }

    @Override
    public int denseWeightBlockRows(int out) {
        return kernels.denseWeightBlockRows(out);
    }

    @Override
    public void denseBackwardBias(int rows, int out, float[] dz, int dzOff, float[] db) {
        long start = System.nanoTime();
        kernels.denseBackwardBias(rows, out, dz, dzOff, db);
        record(Phase.DENSE_BIAS_GRADIENT, null, 0, out, start, 0);
    }

    @Override
    public int packedDenseSize(int in, int out) {
        return kernels.packedDenseSize(in, out);
    }

    @Override
    public void packDenseWeights(int in, int out, float[] w, float[] packed) {
        long start = System.nanoTime();
        kernels.packDenseWeights(in, out, w, packed);
        record(Phase.DENSE_PACK, null, in, out, start, 0);
    }

    @Override
    public void packDenseWeights(int in, int out, float[] w, float[] packed, int part, int parts) {
        long start = System.nanoTime();
        kernels.packDenseWeights(in, out, w, packed, part, parts);
        record(Phase.DENSE_PACK, null, in, out, start, 0);
    }

    @Override
    public void packDenseRows(int in, int out, float[] w, float[] packed, int rowFrom, int rowTo) {
        long start = System.nanoTime();
        kernels.packDenseRows(in, out, w, packed, rowFrom, rowTo);
        record(Phase.DENSE_PACK, null, in, out, start, 0);
    }

    @Override
    public void denseForwardPacked(int rows, int in, int out, Activation act, float[] x, int xOff, float[] packed,
                                   float[] b, float[] y, int yOff) {
        long start = System.nanoTime();
        kernels.denseForwardPacked(rows, in, out, act, x, xOff, packed, b, y, yOff);
        record(Phase.DENSE_FORWARD, null, in, out, start, denseFlops(rows, in, out));
    }

    @Override
    public boolean splitsDenseForward() {
        return kernels.splitsDenseForward();
    }

    @Override
    public void denseForwardPackedPart(int rows, int in, int out, Activation act, float[] x, int xOff, float[] packed,
                                       float[] b, float[] y, int yOff, int part, int parts) {
        long start = System.nanoTime();
        kernels.denseForwardPackedPart(rows, in, out, act, x, xOff, packed, b, y, yOff, part, parts);
        record(Phase.DENSE_FORWARD, null, in, out, start, denseFlops(rows, in, out) / parts);   // shares of whole panels: about 1/parts
    }

    // ---- pooling ----

    @Override
    public void maxPoolForward(PoolGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argOff) {
        long start = System.nanoTime();
        kernels.maxPoolForward(g, x, xOff, y, yOff, argmax, argOff);
        record(Phase.POOL_FORWARD, g, 0, 0, start, 0);
    }

    @Override
    public void maxPoolBackward(PoolGeometry g, float[] dy, int dyOff, int[] argmax, int argOff, float[] dx, int dxOff) {
        long start = System.nanoTime();
        kernels.maxPoolBackward(g, dy, dyOff, argmax, argOff, dx, dxOff);
        record(Phase.POOL_BACKWARD, g, 0, 0, start, 0);
    }

    @Override
    public void avgPoolForward(PoolGeometry g, float[] x, int xOff, float[] y, int yOff) {
        long start = System.nanoTime();
        kernels.avgPoolForward(g, x, xOff, y, yOff);
        record(Phase.POOL_FORWARD, g, 0, 0, start, 0);
    }

    @Override
    public void avgPoolBackward(PoolGeometry g, float[] dy, int dyOff, float[] dx, int dxOff) {
        long start = System.nanoTime();
        kernels.avgPoolBackward(g, dy, dyOff, dx, dxOff);
        record(Phase.POOL_BACKWARD, g, 0, 0, start, 0);
    }

    // ---- element-wise ----

    @Override
    public void activationBackward(Activation act, float[] y, float[] dy, int off, int len) {
        long start = System.nanoTime();
        kernels.activationBackward(act, y, dy, off, len);
        record(Phase.ACTIVATION_BACKWARD, act, 0, 0, start, 0);
    }
}
