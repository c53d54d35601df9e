package dev.kiln.runtime.model;

import dev.kiln.runtime.kernels.Kernels;

/**
 * The weight gradient of one large dense layer, computed by the workers of a training step
 * together instead of each over its own chunk. Each worker copies its chunk's input and output
 * gradient rows into batch-wide buffers (the input rows only when the layer's forward pass has
 * not gathered them already: {@link SharedDenseForward}); once all have, each computes a slice of
 * the rows of dw over the whole batch, straight into the parameter's gradient.
 *
 * <p>Chunk by chunk, every worker wrote a whole dw of its own (12.8 MB for tf-mnist's fc1), and
 * the reduction then read them all and zeroed them again: on 2 threads the fc1 weight gradient and
 * its reduction took 13.1-13.5 ms a step, against 8.1 ms for the two slices over the whole batch
 * (a probe of the kernels alone, AVX2 Zen 3). It also sums each weight over the batch in one
 * order, so the layer's weight gradient has the bits of a one-thread step. The bias gradient
 * stays with the chunks: it is small, and the reduction sums it as before.
 */
final class SharedDenseGradient {
    /**
     * Weights from which a layer is shared: 128 Ki values (512 KB). Below that, on several workers,
     * the copies and the wait for the slowest worker cost more than the reduction they save.
     */
    static final int MIN_WEIGHTS = 1 << 17;

    private final Parameter weight;
    private final int in;
    private final int out;
    private final SpinBarrier gathered = new SpinBarrier();
    /** [batch][in] and [batch][out]: every chunk's rows, in batch order. */
    private float[] x = new float[0];
    private float[] dz = new float[0];
    private int batch;
    private int parts;

    /** The same layer's shared forward pass, whose gathered input rows this reuses; null if none. */
    private final SharedDenseForward forward;

    SharedDenseGradient(Parameter weight, int in, int out, SharedDenseForward forward) {
        this.weight = weight;
        this.in = in;
        this.out = out;
        this.forward = forward;
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

    /** On the calling thread, before the step's task: room for {@code batch} rows, split among {@code parts} workers. */
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
     * Worker {@code part}'s share, once every worker has contributed its chunk: it writes the
     * weight rows [in*part/parts, in*(part+1)/parts) of the whole batch's gradient into the
     * parameter's. Written, not added: nothing else adds to this gradient, so it needs no clearing
     * before the step ({@link ThreadGradients#clearSlice}). The workers call it after the rest of
     * their backward pass, which the others have usually finished by then: waiting right after
     * contributing, they spun for 3-4% of a 2-thread step on the machine's uneven pace.
     */
    void addGradient(Kernels kernels, int part) {
        gathered.await(parts);
        kernels.denseBackwardWeightRows(batch, in, out, batchInput(), 0, dz, 0, weight.grad(),
                ThreadGradients.sliceStart(in, part, parts), ThreadGradients.sliceStart(in, part + 1, parts), false);
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

    /** A worker failed: the others stop waiting for it. */
    void breakWith(Throwable cause) {
        gathered.breakWith(cause);
    }
}
