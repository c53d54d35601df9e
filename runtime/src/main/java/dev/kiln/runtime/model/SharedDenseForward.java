package dev.kiln.runtime.model;

import dev.kiln.dsl.Activation;
import dev.kiln.runtime.kernels.Kernels;

/**
 * The forward pass of one large dense layer in a training step on several workers, computed by
 * them together: each copies its chunk's input rows into a batch-wide buffer; once all have, each
 * computes a share of the output columns for the whole batch ({@link Kernels#denseForwardPackedPart}),
 * and once all have, each copies its chunk's output rows back.
 *
 * <p>Chunk by chunk, every worker streamed all of the packed weights for its own rows (12.8 MB for
 * tf-mnist's fc1, on each of 2 threads at once); by columns, each reads only its share, against
 * twice the rows. Two threads computing tf-mnist's fc1 over a batch of 64 took 1.17-1.27 ms by
 * columns against 1.39-1.53 by rows at 512 bits, 2.29-2.71 against 3.18-3.35 at 256 bits (a
 * probe of the kernels on two threads, the two splits in turns, the same bits). Each output gets
 * the bits of the chunk's own call: the kernels' sums do not depend on the row count.
 */
final class SharedDenseForward {
    private final PackedWeight.Dense copy;
    private final int in;
    private final int out;
    private final SpinBarrier gathered = new SpinBarrier();
    private final SpinBarrier computed = new SpinBarrier();
    /** [batch][in] and [batch][out]: every chunk's rows, in batch order. */
    private float[] x = new float[0];
    private float[] y = new float[0];
    private int batch;
    private int parts;
    /** Whether this step's chunks have gathered their input rows here (written before the barrier that publishes it). */
    private boolean inputGathered;

    SharedDenseForward(PackedWeight.Dense copy) {
        this.copy = copy;
        this.in = copy.rows();
        this.out = copy.columns();
    }

    /** The packed weight whose layer this is. */
    PackedWeight packed() {
        return copy;
    }

    /** On the calling thread, before the step's task: room for {@code batch} rows, split among {@code parts} workers. */
    void beginStep(int batch, int parts) {
        this.batch = batch;
        this.parts = parts;
        if (x.length < batch * in) {
            x = new float[batch * in];
            y = new float[batch * out];
        }
        gathered.reset();
        computed.reset();
        inputGathered = false;
    }

    /** Whether this step has more than one chunk to share the layer among; with one, the chunk runs it alone. */
    boolean splits() {
        return parts > 1;
    }

    /**
     * The layer's output for the chunk's rows [first, first + rows) into chunkY, computed with the
     * other workers: this worker's share of the columns is part {@code part}.
     */
    void forward(Kernels kernels, int rows, int first, int part, Activation act, float[] chunkX, int xOff, float[] b,
                 float[] chunkY, int yOff) {
        System.arraycopy(chunkX, xOff, x, first * in, rows * in);
        inputGathered = true;
        gathered.arrive();
        gathered.await(parts);
        kernels.denseForwardPackedPart(batch, in, out, act, x, 0, copy.values(), b, y, 0, part, parts);
        computed.arrive();
        computed.await(parts);
        System.arraycopy(y, first * out, chunkY, yOff, rows * out);
    }

    /**
     * The whole batch's input rows, when this step's forward pass gathered them (else null): the
     * layer's weight gradient reads the same rows ({@link SharedDenseGradient}), and need not copy
     * them again. Read after the forward pass, which every chunk has finished by then.
     */
    float[] batchInput() {
        return inputGathered ? x : null;
    }

    /** A worker failed: the others stop waiting for it. */
    void breakWith(Throwable cause) {
        gathered.breakWith(cause);
        computed.breakWith(cause);
    }
}
