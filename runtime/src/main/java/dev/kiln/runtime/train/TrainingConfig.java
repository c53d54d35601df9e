package dev.kiln.runtime.train;

import java.nio.file.Path;

/**
 * How to train.
 *
 * @param epochs          passes over the training set
 * @param batchSize       examples per step; the last batch of an epoch may be smaller
 * @param seed            decides the data order of every epoch (with the model's own seed for dropout)
 * @param checkpoint      where to save after every epoch (and every {@code checkpointEvery} steps); null: never
 * @param checkpointEvery steps between mid-epoch checkpoints; 0: only at the end of each epoch
 * @param resume          continue from {@code checkpoint} when that file exists
 * @param evalBatchSize   batch size for computing test accuracy
 */
public record TrainingConfig(
        int epochs, int batchSize, long seed, Path checkpoint, int checkpointEvery, boolean resume, int evalBatchSize) {

    public TrainingConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (evalBatchSize < 1) {
            throw new IllegalArgumentException("the evaluation batch size must be at least 1, got " + evalBatchSize);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpointEvery must be 0 or more, got " + checkpointEvery);
        }
    }

    public static TrainingConfig of(int epochs, int batchSize, long seed) {
        return new TrainingConfig(epochs, batchSize, seed, null, 0, false, 500);
    }

    /** The same, computing test accuracy in batches of {@code size}. */
    public TrainingConfig withEvalBatchSize(int size) {
        return new TrainingConfig(epochs, batchSize, seed, checkpoint, checkpointEvery, resume, size);
    }

    public TrainingConfig withCheckpoint(Path path, int every, boolean resumeIfPresent) {
        return new TrainingConfig(epochs, batchSize, seed, path, every, resumeIfPresent, evalBatchSize);
    }
}
