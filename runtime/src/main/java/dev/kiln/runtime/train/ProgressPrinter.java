package dev.kiln.runtime.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Training progress as plain lines: one every tenth of an epoch, and a summary of each epoch.
 * Fits a log file or a CI console; the kiln command line draws a progress bar on a terminal
 * instead, from a library the runtime does not need.
 */
public final class ProgressPrinter implements TrainingListener {
    private final PrintStream out;
    private int batches;
    private int nextLine;

    public ProgressPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int batches) {
        this.batches = batches;
        this.nextLine = 1;
    }

    @Override
    public void batchDone(int epoch, int batch, double meanLoss, double accuracy) {
        if (batch * 10L >= (long) nextLine * batches) {
            out.printf(Locale.ROOT, "  epoch %d: %3d%% of %d batches, loss %.4f, train accuracy %.2f%%%n",
                    epoch, batch * 100L / batches, batches, meanLoss, 100 * accuracy);
            nextLine = (int) (batch * 10L / batches) + 1;
        }
    }

    @Override
    public void epochDone(EpochReport report) {
        out.println(summary(report));
    }

    @Override
    public void info(String message) {
        out.println("kiln: " + message);
    }

    /** "epoch 2: train loss 0.3121, train accuracy 88.70%, val loss 0.3342, val accuracy 87.95%, 41.2 s (1,456 images/s)". */
    public static String summary(EpochReport r) {
        String validation = Double.isNaN(r.validationAccuracy()) ? ""
                : String.format(Locale.ROOT, ", val loss %.4f, val accuracy %.2f%%", r.validationLoss(), 100 * r.validationAccuracy());
        return String.format(Locale.ROOT, "epoch %d: train loss %.4f, train accuracy %.2f%%%s, %.1f s (%,.0f images/s)",
                r.epoch(), r.trainLoss(), 100 * r.trainAccuracy(), validation, r.seconds(), r.imagesPerSecond());
    }
}
