package dev.kiln.samples.cli;

import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.TrainingListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress: a progress bar on a terminal, and a line every tenth of an epoch when
 * the output is a file or a CI log (where a redrawn bar would be noise).
 */
final class ProgressDisplay implements TrainingListener {
    private final boolean terminal = System.console() != null;
    private ProgressBar bar;
    private int batches;
    private int nextLine;

    @Override
    public void epochStarted(int epoch, int epochs, int batches) {
        this.batches = batches;
        this.nextLine = 1;
        if (terminal) {
            bar = new ProgressBarBuilder()
                    .setTaskName(String.format("epoch %d/%d", epoch, epochs))
                    .setInitialMax(batches)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .showSpeed()
                    .setUnit(" batches", 1)
                    .build();
        }
    }

    @Override
    public void batchDone(int epoch, int batch, double meanLoss, double accuracy) {
        if (bar != null) {
            bar.stepTo(batch);
            bar.setExtraMessage(String.format(" loss %.4f acc %.2f%%", meanLoss, 100 * accuracy));
        } else if (batch * 10L >= (long) nextLine * batches) {
            System.out.printf("  epoch %d: %3d%% of %d batches, loss %.4f, train accuracy %.2f%%%n",
                    epoch, batch * 100L / batches, batches, meanLoss, 100 * accuracy);
            nextLine = (int) (batch * 10L / batches) + 1;
        }
    }

    @Override
    public void epochDone(EpochReport r) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        System.out.printf("epoch %d: train loss %.4f, train accuracy %.2f%%, test accuracy %.2f%%, %.1f s (%,.0f images/s)%n",
                r.epoch(), r.trainLoss(), 100 * r.trainAccuracy(), 100 * r.testAccuracy(), r.seconds(), r.imagesPerSecond());
    }

    @Override
    public void info(String message) {
        System.out.println("kiln: " + message);
    }
}
