package dev.kiln.runtime.train;

/** Hooks for progress display; every method does nothing by default. */
public interface TrainingListener {

    default void epochStarted(int epoch, int epochs, int batches) {}

    /** After each training step; {@code meanLoss} is the epoch's running mean. */
    default void batchDone(int epoch, int batch, double meanLoss, double accuracy) {}

    default void epochDone(EpochReport report) {}

    /** A line for the user: resumed from a checkpoint, saved one, ... */
    default void info(String message) {}
}
