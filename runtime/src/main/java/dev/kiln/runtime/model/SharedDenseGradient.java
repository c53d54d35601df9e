package dev.kiln.runtime.model;

import dev.kiln.runtime.kernels.Kernels;

/**
 * The weight gradient of one large dense layer, computed over the whole batch by the workers of
 * a training step together: each chunk's backward pass copies its input and output gradient rows
 * into batch-wide buffers (the input rows only when the layer's forward pass has not gathered them
 * already: {@link SharedDenseForward}); then each worker computes a slice of the rows of dw over
 * the whole batch, in the update ({@link ThreadGradients}), or, when gradients are kept, at the end
 * of its backward pass once every chunk has handed over its rows ({@link #writeRowsOnceGathered}).
 *
 * <p>Chunk by chunk, every worker wrote a whole dw of its own (12.8 MB for tf-mnist's fc1), and
 * the reduction then read them all and zeroed them again: on 2 threads the fc1 weight gradient and
 * its reduction took 13.1-13.5 ms a step, against 8.1 ms for the two slices over the whole batch
 * (a probe of the kernels alone, AVX2 Zen 3). It also sums each weight over the batch in one
 * order, so the layer's weight gradient has the bits of a one-thread step. The bias gradient
 * stays with the chunks: it is small, and the reduction sums it as before.
 *
 * <p>Where the optimizer updates ranges and gradients are not kept ({@link Model#setGradientsKept}),
 * the slice is computed a block of rows at a time ({@link #block}) into a small buffer that the
 * optimizer applies at once, while it is in cache: the gradient is never written whole to memory
 * and read back.
 */
final class SharedDenseGradient {
    /**
     * Weights from which a layer is shared: 128 Ki values (512 KB). Below that, on several workers,
     * the copies cost more than the reduction they save.
     */
    static final int MIN_WEIGHTS = 1 << 17;

    private final Parameter weight;
    private final int in;
    private final int out;
    private final Kernels kernels;
    private final SpinBarrier gathered = new SpinBarrier();
    /** Chunks that hand over rows this step (a batch smaller than the pool leaves workers without). */
    private int parts;
    /** [batch][in] and [batch][out]: every chunk's rows, in batch order. */
    private float[] x = new float[0];
    private float[] dz = new float[0];
    private int batch;
    /** Per worker: dz laid out for the blocks ({@link Kernels#prepareDenseWeightBlocks}), and a block of gradient rows. */
    private final float[][] prepared;
    private final float[][] blocks;

    /** The same layer's shared forward pass, whose gathered input rows this reuses; null if none. */
    private final SharedDenseForward forward;

    SharedDenseGradient(Parameter weight, int in, int out, SharedDenseForward forward, Kernels kernels, int workers) {
        this.weight = weight;
        this.in = in;
        this.out = out;
        this.forward = forward;
        this.kernels = kernels;
        this.prepared = new float[workers][0];
        this.blocks = new float[workers][0];
    }

    /**
     * Whether a dense layer of this size shares its weight gradient, whatever the worker count. On
     * one worker the one part is the whole gradient, written rather than added, so the 12.8 MB of
     * tf-mnist's fc1 need no clearing before the step, and the written kernel is the faster one
     * (VectorDense).
     */
    static boolean worthSharing(Parameter weight) {
        return weight.trainable() && weight.size() >= MIN_WEIGHTS;
    }

    Parameter weight() {
        return weight;
    }

    /** Rows of the weight (its inputs). */
    int rows() {
        return in;
    }

    /** Floats per row of the weight (its outputs). */
    int rowLength() {
        return out;
    }

    /** On the calling thread, before the step's task: room for {@code batch} rows, handed over by {@code parts} chunks. */
    void beginStep(int batch, int parts) {
        this.batch = batch;
        this.parts = parts;
        if (x.length < batch * in) {
            x = new float[batch * in];
            dz = new float[batch * out];
        }
        gathered.reset();
    }

    /** A worker's chunk, rows [first, first + rows) of the batch, into the buffers. */
    void contribute(int rows, int first, float[] chunkX, int xOff, float[] chunkDz, int dzOff) {
        if (batchInput() == x) {
            System.arraycopy(chunkX, xOff, x, first * in, rows * in);
        }
        System.arraycopy(chunkDz, dzOff, dz, first * out, rows * out);
        gathered.arrive();
    }

    /**
     * Chunk {@code part}'s slice of the weight rows, {@link #writeRows written} once every chunk has
     * handed over its rows: the backward pass's share when gradients are kept. The chunks call it
     * after the rest of their backward pass, which the others have usually finished by then:
     * waiting right after contributing, they spun for 3-4% of a 2-thread step on the machine's
     * uneven pace.
     */
    void writeRowsOnceGathered(int part) {
        gathered.await(parts);
        writeRows(ThreadGradients.sliceStart(in, part, parts), ThreadGradients.sliceStart(in, part + 1, parts));
    }

    /** A worker failed: the others stop waiting for its rows. */
    void breakWith(Throwable cause) {
        gathered.breakWith(cause);
    }

    /**
     * Writes the weight rows [from, to) of the whole batch's gradient into the parameter's. Written,
     * not added: nothing else adds to this gradient, so it needs no clearing before the step
     * ({@link ThreadGradients#clearSlice}). After every chunk's backward pass.
     */
    void writeRows(int from, int to) {
        kernels.denseBackwardWeightRows(batch, in, out, batchInput(), 0, dz, 0, weight.gradBuffer(), from, to, false);
    }

    /** Weight rows per {@link #block} at which the kernels run best. */
    int blockRows() {
        return kernels.denseWeightBlockRows(out);
    }

    /** Lays out the batch's dz for this worker's {@link #block} calls: once per step, before them. */
    void prepareBlocks(int worker) {
        int size = kernels.denseWeightBlockInputSize(batch, out);
        if (prepared[worker].length < size) {
            prepared[worker] = new float[size];
        }
        kernels.prepareDenseWeightBlocks(batch, out, dz, 0, prepared[worker]);
    }

    /**
     * The weight rows [from, to) of the whole batch's gradient, in a buffer of this worker's (row i
     * at (i - from) * out), valid until its next call: the rows {@link #writeRows} would write.
     */
    float[] block(int worker, int from, int to) {
        int size = (to - from) * out;
        if (blocks[worker].length < size) {
            blocks[worker] = new float[size];
        }
        kernels.denseBackwardWeightBlock(batch, in, out, batchInput(), 0, prepared[worker], blocks[worker], 0, from, to);
        return blocks[worker];
    }

    /**
     * The whole batch's input rows this step: the ones the layer's shared forward pass gathered, or
     * else {@link #x}, which the chunks fill. The same answer all through the backward pass: the
     * forward pass is over for every chunk by then.
     */
    private float[] batchInput() {
        float[] gathered = forward == null ? null : forward.batchInput();
        return gathered == null ? x : gathered;
    }
}
