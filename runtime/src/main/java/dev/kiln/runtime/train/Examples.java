package dev.kiln.runtime.train;

/**
 * A set of labelled examples the training loop can draw batches from. Images are channels x
 * height x width per example, as {@link dev.kiln.runtime.model.Model} takes them.
 */
public interface Examples {

    int size();

    /**
     * Copies examples {@code order[from] .. order[from + count - 1]} into {@code images} and
     * {@code labels}, which are reused from batch to batch.
     */
    void fill(int[] order, int from, int count, float[] images, int[] labels);

    /** The order of one epoch: a permutation of 0..size-1 that depends only on seed and epoch. */
    int[] order(long seed, int epoch);
}
