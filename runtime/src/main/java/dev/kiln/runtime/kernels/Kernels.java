package dev.kiln.runtime.kernels;

import dev.kiln.dsl.Activation;

/**
 * The arithmetic of every layer. Generated models call these with constant geometries; two
 * implementations exist, {@code ScalarKernels} (the reference, and the fallback when the JVM
 * lacks {@code jdk.incubator.vector}) and {@code VectorKernels}; {@link KernelProvider} picks one.
 *
 * <p>Conventions: float arrays with offsets; activations NHWC per example; "forward" outputs are
 * post-activation; backward methods that take {@code dz} expect the gradient with respect to the
 * pre-activation value (see {@link #activationBackward}). Methods named {@code ...Weights}
 * accumulate ({@code +=}) into gradient buffers; all other outputs are overwritten. Kernels keep
 * no state and may be called from several threads on disjoint outputs.
 */
public interface Kernels {

    /** A short name for logs: "scalar" or "vector(512-bit)". */
    String name();

    /**
     * Bits of the vectors the kernels compute on (512, 256 or 128), 0 for the scalar kernels. The
     * benchmarks measure the machine's FMA peak at this width: under {@code -XX:UseAVX=2} on an
     * AVX-512 machine the kernels can reach only the 256-bit peak.
     */
    int vectorBits();

    // ---- convolution, one example ----

    /** y[oh][ow][oc] = act(b[oc] + sum over kh,kw,ic of x[ih][iw][ic] * w[kh][kw][ic][oc]). */
    void convForward(ConvGeometry g, Activation act,
                     float[] x, int xOff, float[] w, float[] b, float[] y, int yOff);

    /** dx[ih][iw][ic] = sum of dz[oh][ow][oc] * w[kh][kw][ic][oc] over the windows that read it (overwrites dx). */
    void convBackwardInput(ConvGeometry g, float[] dz, int dzOff, float[] w, float[] dx, int dxOff);

    /**
     * dw[kh][kw][ic][oc] += x[..][ic] * dz[oh][ow][oc] over all windows of {@code rows} examples;
     * db[oc] += sum of dz[..][oc]. Example e reads x from xOff + e*inSize and dz from dzOff + e*outSize.
     * One call takes a model's whole chunk, so a kernel may sum in a transformed space across
     * examples and transform back once (a Winograd weight gradient).
     */
    void convBackwardWeights(ConvGeometry g, int rows, float[] x, int xOff, float[] dz, int dzOff, float[] dw, float[] db);

    /**
     * Floats needed by {@link #packConvWeights}. Used like the packed dense methods (see there):
     * pack once per weight update, share across threads, then call {@link #convForwardPacked}
     * and {@link #convBackwardInputPacked}; the weight gradient needs no weights.
     *
     * <p>The size and what a forward pass or a prediction reads of the packed weights must not
     * depend on g's output size (outH, outW): a generated model packs for the geometry it trains
     * on, which may leave out output rows and columns no later layer reads, and predicts on the
     * whole geometry from the same packed weights. What only the input gradient reads may.
     */
    default int packedConvSize(ConvGeometry g) {
        return g.weightSize();
    }

    /** Fills packed[0, packedConvSize(g)) from w[kh][kw][inC][outC]. */
    default void packConvWeights(ConvGeometry g, float[] w, float[] packed) {
        System.arraycopy(w, 0, packed, 0, g.weightSize());
    }

    /**
     * Share part of parts of {@link #packConvWeights}: the shares write disjoint parts of packed,
     * so threads may run them at once, and all of them together fill it. Here the last share packs
     * it all; kernels whose packing has independent pieces spread them.
     */
    default void packConvWeights(ConvGeometry g, float[] w, float[] packed, int part, int parts) {
        if (part == parts - 1) {
            packConvWeights(g, w, packed);
        }
    }

    /**
     * {@link #convForward} on w and its packed form (see {@link #packConvWeights}), which may hold a
     * transformed kernel the forward reads instead of w (a Winograd convolution's).
     */
    default void convForwardPacked(ConvGeometry g, Activation act, float[] x, int xOff, float[] w, float[] packed,
                                   float[] b, float[] y, int yOff) {
        convForward(g, act, x, xOff, w, b, y, yOff);
    }

    /**
     * Whether {@link #convForwardPacked} runs g as a Winograd convolution, with fewer multiplications
     * than {@link ConvGeometry#flops()} counts (for benchmarks and logs).
     */
    default boolean convForwardIsWinograd(ConvGeometry g) {
        return false;
    }

    /** As {@link #convForwardIsWinograd}, for {@link #convBackwardInputPacked}. */
    default boolean convBackwardInputIsWinograd(ConvGeometry g) {
        return false;
    }

    /** As {@link #convForwardIsWinograd}, for {@link #convBackwardWeights}. */
    default boolean convBackwardWeightsIsWinograd(ConvGeometry g) {
        return false;
    }

    /**
     * Floats of the second packed form a convolution may have for inference ({@link
     * #convInferencePacked}), 0 where inference runs as {@link #convForwardPacked}. A model packs it
     * only when a prediction needs it, not after every training step.
     */
    default int packedConvInferenceSize(ConvGeometry g) {
        return 0;
    }

    /** Fills inference[0, packedConvInferenceSize(g)) from w[kh][kw][inC][outC]. */
    default void packConvInferenceWeights(ConvGeometry g, float[] w, float[] inference) {
    }

    /**
     * {@link #convForwardPacked} for a prediction of {@code examples} consecutive examples (x and y
     * each example's size apart), which may read its own packed form instead (a Winograd
     * convolution with larger tiles: fewer multiplications, float32 results a little further from
     * exact, see the implementation). Training never calls it, so a training step's forward and
     * backward passes see the same algorithm. Each example gets the bits it would get alone.
     */
    default void convInferencePacked(ConvGeometry g, Activation act, int examples, float[] x, int xOff, float[] w,
                                     float[] packed, float[] inference, float[] b, float[] y, int yOff) {
        for (int e = 0; e < examples; e++) {
            convForwardPacked(g, act, x, xOff + e * g.inSize(), w, packed, b, y, yOff + e * g.outSize());
        }
    }

    /**
     * The most examples {@link #convInferenceExamples} may ask for. A generated model's workspace
     * keeps that many places, not one per example, for a convolution's output that only the pooling
     * after it reads (in a prediction, a group's; in training, one): a model asks no more of it.
     * Each grouped example's padded input and output are scratch, and the model keeps the group's
     * activations in cache: tf-16-36's conv2 (16 Winograd tiles an example) on 2 threads ran 82-95
     * thousand examples a second in groups of 7 (blocks of 14 tiles filled), 91-100 in groups of 4,
     * 89-90 one at a time (a probe, one JVM, Zen 5).
     */
    int MOST_INFERENCE_EXAMPLES = 4;

    /**
     * How many examples a prediction best hands {@link #convInferencePacked} at once, from 1 to
     * {@link #MOST_INFERENCE_EXAMPLES}: more than one where the kernel shares work across examples
     * (a Winograd convolution with few tiles an example fills its blocks of tiles from several). A
     * model's prediction runs groups of examples through its layers one layer at a time, and hands
     * each convolution that many at once.
     */
    default int convInferenceExamples(ConvGeometry g) {
        return 1;
    }

    /** {@link #convBackwardInput} on weights packed by {@link #packConvWeights}. */
    default void convBackwardInputPacked(ConvGeometry g, float[] dz, int dzOff, float[] packed, float[] dx, int dxOff) {
        convBackwardInput(g, dz, dzOff, packed, dx, dxOff);
    }

    // ---- dense, a block of rows (examples) ----

    /**
     * Whether {@link #denseForwardPackedPart} is implemented: a model's threads then compute a large
     * dense layer's forward together, each a share of its columns over the whole batch, and each
     * reads only its share of the weights.
     */
    default boolean splitsDenseForward() {
        return false;
    }

    /**
     * Share part of parts of the output columns of {@link #denseForwardPacked}, for every row, with
     * the bits the whole call gives them; the shares write disjoint columns and together all of
     * them. Only where {@link #splitsDenseForward}.
     */
    default void denseForwardPackedPart(int rows, int in, int out, Activation act, float[] x, int xOff, float[] packed,
                                        float[] b, float[] y, int yOff, int part, int parts) {
        throw new UnsupportedOperationException(name() + " does not split a dense layer's forward");
    }

    /** y[r][o] = act(b[o] + sum over i of x[r][i] * w[i][o]) for r in [0, rows). ReLU is max(z, 0): NaN stays NaN. */
    void denseForward(int rows, int in, int out, Activation act,
                      float[] x, int xOff, float[] w, float[] b, float[] y, int yOff);

    /** dx[r][i] = sum over o of dz[r][o] * w[i][o] (overwrites dx). */
    void denseBackwardInput(int rows, int in, int out, float[] dz, int dzOff, float[] w, float[] dx, int dxOff);

    /**
     * dw[i][o] += sum over r of x[r][i] * dz[r][o]; db[o] += sum over r of dz[r][o]: the two
     * methods below, over every row of w.
     */
    default void denseBackwardWeights(int rows, int in, int out, float[] x, int xOff, float[] dz, int dzOff,
                                      float[] dw, float[] db) {
        denseBackwardWeightRows(rows, in, out, x, xOff, dz, dzOff, dw, 0, in, true);
        denseBackwardBias(rows, out, dz, dzOff, db);
    }

    /**
     * dw[i][o] += sum over r of x[r][i] * dz[r][o] (or =, when not {@code accumulate}) for the
     * rows [from, to) of w only. Calls for disjoint row ranges write disjoint parts of dw, so
     * threads may share one layer's weight gradient; each row gets the bits one call over all rows
     * gives it. Writing instead of adding spares a gradient that no other call adds to its clearing
     * and a read.
     */
    void denseBackwardWeightRows(int rows, int in, int out, float[] x, int xOff, float[] dz, int dzOff,
                                 float[] dw, int from, int to, boolean accumulate);

    /** db[o] += sum over r of dz[r][o]. */
    void denseBackwardBias(int rows, int out, float[] dz, int dzOff, float[] db);

    // ---- a dense weight gradient a block of weight rows at a time ----
    //
    // For a caller that consumes the weight gradient block by block while each block is in cache
    // (a model's optimizer update) and never stores the whole of it:
    //
    //   float[] prepared = new float[k.denseWeightBlockInputSize(rows, out)];
    //   k.prepareDenseWeightBlocks(rows, out, dz, dzOff, prepared);          // once per batch
    //   k.denseBackwardWeightBlock(rows, in, out, x, xOff, prepared, block, 0, from, to);   // each block
    //
    // Each block's rows have the bits the written denseBackwardWeightRows gives them.

    /** Floats of the buffer {@link #prepareDenseWeightBlocks} fills for a batch of rows x out output gradients. */
    int denseWeightBlockInputSize(int rows, int out);

    /** Lays out dz (rows x out) in prepared for the {@link #denseBackwardWeightBlock} calls of its batch; prepared is read-only to them. */
    void prepareDenseWeightBlocks(int rows, int out, float[] dz, int dzOff, float[] prepared);

    /**
     * dst[dstOff + (i - from) * out + o] = sum over r of x[r][i] * dz[r][o] for the weight rows
     * [from, to), dz as {@link #prepareDenseWeightBlocks} laid it out: each row with the bits of
     * {@code denseBackwardWeightRows(rows, in, out, x, xOff, dz, dzOff, dw, from, to, false)}.
     */
    void denseBackwardWeightBlock(int rows, int in, int out, float[] x, int xOff, float[] prepared, float[] dst, int dstOff,
                                  int from, int to);

    /** Weight rows per block at which {@link #denseBackwardWeightBlock} runs best (blocks of any size give the same bits). */
    int denseWeightBlockRows(int out);

    // ---- dense on weights packed once per update ----
    //
    // The plain dense methods rearrange w into cache-friendly panels on every call (12.8 MB for a
    // 3136x1024 layer). A caller that runs a layer several times per weight update packs instead:
    //
    //   float[] packed = new float[k.packedDenseSize(in, out)];      // once, per layer
    //   k.packDenseWeights(in, out, w, packed);                       // after init, each optimizer
    //                                                                 // step and each checkpoint load
    //   (or, on T threads at once, thread t: k.packDenseWeights(in, out, w, packed, t, T))
    //   k.denseForwardPacked(rows, in, out, act, x, xOff, packed, b, y, yOff);
    //   k.denseBackwardInput(rows, in, out, dz, dzOff, w, dx, dxOff);       // unchanged: on w itself
    //   k.denseBackwardWeights(rows, in, out, x, xOff, dz, dzOff, dw, db); // unchanged: needs no w
    //
    // packed is read-only for the kernels, so all threads share one array; it must be repacked
    // whenever w changes, before the next forward. The layout belongs to the implementation (use
    // the same Kernels instance to pack and to run); w itself stays the source of truth and the
    // checkpoint format. Results equal the plain methods' up to rounding (the forward bit for bit).

    /** Floats needed by {@link #packDenseWeights} for a layer of in inputs and out outputs. */
    default int packedDenseSize(int in, int out) {
        return in * out;
    }

    /** Fills packed[0, packedDenseSize(in, out)) from w[in][out]. */
    default void packDenseWeights(int in, int out, float[] w, float[] packed) {
        System.arraycopy(w, 0, packed, 0, in * out);
    }

    /**
     * Share part ({@code 0 <= part < parts}) of {@link #packDenseWeights}, so several threads can pack one
     * layer at once: the shares write disjoint parts of packed, and running every part, in any
     * order or concurrently, leaves packed exactly as one packDenseWeights call would.
     */
    default void packDenseWeights(int in, int out, float[] w, float[] packed, int part, int parts) {
        if (part == 0) {
            packDenseWeights(in, out, w, packed);
        }
    }

    /**
     * Packs the rows [rowFrom, rowTo) of w[in][out] into packed, leaving packed as
     * {@link #packDenseWeights} would have written those rows; every other part of packed is left
     * as it was. An optimizer that updates w piece by piece packs each piece right after writing
     * it, while it is still in cache.
     */
    default void packDenseRows(int in, int out, float[] w, float[] packed, int rowFrom, int rowTo) {
        System.arraycopy(w, rowFrom * out, packed, rowFrom * out, (rowTo - rowFrom) * out);
    }

    /** {@link #denseForward} on weights packed by {@link #packDenseWeights}. */
    default void denseForwardPacked(int rows, int in, int out, Activation act,
                                    float[] x, int xOff, float[] packed, float[] b, float[] y, int yOff) {
        denseForward(rows, in, out, act, x, xOff, packed, b, y, yOff);
    }

    // ---- pooling, one example ----

    /**
     * y = max over each window; argmax[i] records the input index (relative to xOff) that won, for
     * backward. Ties go to the first cell in row-major order; a NaN in the window wins (the last
     * NaN), so NaN propagates as in PyTorch. With argmax null, the values alone: a prediction, which
     * no backward pass follows, needs no indices.
     */
    void maxPoolForward(PoolGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argOff);

    /** dx = 0, then dx[argmax[i]] += dy[i] (overwrites dx). */
    void maxPoolBackward(PoolGeometry g, float[] dy, int dyOff, int[] argmax, int argOff, float[] dx, int dxOff);

    /** y = mean of each window over the cells inside the input. */
    void avgPoolForward(PoolGeometry g, float[] x, int xOff, float[] y, int yOff);

    /** Spreads each dy evenly over the input cells of its window (overwrites dx). */
    void avgPoolBackward(PoolGeometry g, float[] dy, int dyOff, float[] dx, int dxOff);

    // ---- element-wise ----

    /**
     * Turns dL/dy into dL/dz in place, where y = act(z) is the stored forward output:
     * ReLU: {@code dz = y <= 0 ? 0 : dy} (PyTorch's rule: a NaN y passes dy on); sigmoid: dy * y * (1 - y);
     * tanh: dy * (1 - y^2); none: unchanged.
     */
    void activationBackward(Activation act, float[] y, float[] dy, int off, int len);
}
