package dev.kiln.cli;

import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.ProgressPrinter;
import dev.kiln.runtime.train.TrainingListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress: a progress bar on a terminal, and the runtime's {@link ProgressPrinter}
 * lines when the output is a file or a CI log (where a redrawn bar would be noise). The bar's
 * library stays out of the runtime: an application embedding Kiln has no use for it.
 */
final class ProgressDisplay implements TrainingListener {
    private final boolean terminal = System.console() != null;
    private final ProgressPrinter lines = new ProgressPrinter(System.out);
    private ProgressBar bar;

    @Override
    public void epochStarted(int epoch, int epochs, int batches) {
        if (terminal) {
            bar = new ProgressBarBuilder()
                    .setTaskName(String.format("epoch %d/%d", epoch, epochs))
                    .setInitialMax(batches)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .showSpeed()
                    .setUnit(" batches", 1)
                    .build();
        } else {
            lines.epochStarted(epoch, epochs, batches);
        }
    }

    @Override
    public void batchDone(int epoch, int batch, double meanLoss, double accuracy) {
        if (bar != null) {
            bar.stepTo(batch);
            bar.setExtraMessage(String.format(" loss %.4f acc %.2f%%", meanLoss, 100 * accuracy));
        } else {
            lines.batchDone(epoch, batch, meanLoss, accuracy);
        }
    }

    @Override
    public void epochDone(EpochReport report) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        // The kiln command validates on the test set, so it says so.
        System.out.println(ProgressPrinter.summary(report).replace("val ", "test "));
    }

    @Override
    public void info(String message) {
        lines.info(message);
    }
}
