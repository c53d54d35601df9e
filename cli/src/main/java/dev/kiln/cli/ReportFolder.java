package dev.kiln.cli;

import dev.kiln.reports.ReportWriter;
import dev.kiln.reports.TestPredictions;
import dev.kiln.reports.TrainingCharts;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.model.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code train --report DIR} and {@code evaluate --report DIR} write after their own work: the
 * confusion matrix (text and heat map) and the misclassified images of the test set, and the
 * first convolution's filters and feature maps for one test image; train's loss and accuracy
 * charts are drawn during training by {@link TrainingCharts}.
 */
final class ReportFolder {
    private ReportFolder() {}

    /** Checks before anything is loaded that the report can be written, and that the example exists when the set is known. */
    static ReportWriter open(Path directory, int example) {
        if (example < 0) {
            throw new IllegalArgumentException("--report-image " + example + " is not an example index; give 0 or more");
        }
        return new ReportWriter(directory);
    }

    /** Writes the test-set files and prints one line naming every file in the report. */
    static void write(ReportWriter report, Model model, Dataset test, List<String> classNames, int example) {
        if (example >= test.size()) {
            throw new IllegalArgumentException("--report-image " + example + ": the test set " + test.name() + " has "
                    + test.size() + " examples (0.." + (test.size() - 1) + ")");
        }
        report.classNames(classNames);
        TestPredictions predictions = report.evaluation(model, test);
        if (ReportWriter.hasConvolution(model)) {
            report.firstConvolution(model, test, example);
        }
        List<String> files = new ArrayList<>();
        for (String name : List.of(TrainingCharts.LOSS, TrainingCharts.ACCURACY, ReportWriter.CONFUSION_TEXT,
                ReportWriter.CONFUSION_IMAGE, ReportWriter.MISCLASSIFIED, ReportWriter.FILTERS, ReportWriter.FEATURE_MAPS)) {
            if (Files.exists(report.directory().resolve(name))) {
                files.add(name);
            }
        }
        System.out.printf("kiln: report in %s: %s (%d of %d test examples misclassified)%n", report.directory(),
                String.join(", ", files), predictions.misclassified().length, predictions.size());
    }
}
