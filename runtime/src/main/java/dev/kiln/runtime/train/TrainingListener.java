package dev.kiln.runtime.train;

import java.util.List;

/**
 * A callback of the training loop (Keras's {@code Callback}, Lightning's hooks): progress display,
 * {@link EarlyStopping}, a {@link LearningRateSchedule}, a {@link CsvHistory}. Every method does
 * nothing by default. Listeners are called in the order they were given to the trainer.
 */
public interface TrainingListener {

    /** Before epoch {@code epoch}'s first step: a schedule sets the learning rate here. */
    default void epochStarting(int epoch, TrainingControl training) {}

    default void epochStarted(int epoch, int epochs, int batches) {}

    /** After each training step; {@code meanLoss} is the epoch's running mean. */
    default void batchDone(int epoch, int batch, double meanLoss, double accuracy) {}

    default void epochDone(EpochReport report) {}

    /** After {@link #epochDone}, with the means to stop training or change the model. */
    default void epochEnded(EpochReport report, TrainingControl training) {}

    /** Once, after the last epoch (or the one a listener stopped at), with every epoch of this run. */
    default void trainingEnded(List<EpochReport> history, TrainingControl training) {}

    /** A line for the user: resumed from a checkpoint, saved one, ... */
    default void info(String message) {}
}
