package dev.kiln.reports;

import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.TrainingListener;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Loss and accuracy per epoch, training and validation, as two line charts ({@value #LOSS} and
 * {@value #ACCURACY}) drawn by XChart. As a {@link TrainingListener} it redraws both after every
 * epoch, so the charts are complete whenever training stops:
 *
 * <pre>{@code
 * Trainer.builder(model, optimizer).epochs(10).validationSplit(0.1)
 *         .listeners(new TrainingCharts(Path.of("report")))
 *         .build()
 *         .fit(train);
 * }</pre>
 *
 * {@link #write} draws them from a history in hand, e.g. one read back by {@link HistoryCsv}.
 * Validation lines are drawn only when the history has validation results.
 */
public final class TrainingCharts implements TrainingListener {
    public static final String LOSS = "loss.png";
    public static final String ACCURACY = "accuracy.png";
    static final int WIDTH = 800;
    static final int HEIGHT = 500;
    private static final Color TRAINING = new Color(31, 119, 180);
    private static final Color VALIDATION = new Color(255, 127, 14);

    private final Path directory;
    private final String validationName;
    private final List<EpochReport> history = new ArrayList<>();

    /** Charts written into {@code directory}, created if missing. */
    public TrainingCharts(Path directory) {
        this(directory, "validation");
    }

    /**
     * Charts whose validation lines are called {@code validationName}: "test" when, as in
     * {@code kiln train}, the set validated on after each epoch is the test set.
     */
    public TrainingCharts(Path directory, String validationName) {
        this.directory = ReportFiles.directory(directory);
        this.validationName = validationName;
    }

    @Override
    public void epochDone(EpochReport report) {
        history.add(report);
        write(history, directory, validationName);
    }

    /**
     * Writes {@value #LOSS} and {@value #ACCURACY} for {@code history} into {@code directory}.
     *
     * @return the files written
     * @throws IllegalArgumentException when the history is empty or the directory cannot be written
     */
    public static List<Path> write(List<EpochReport> history, Path directory) {
        return write(history, directory, "validation");
    }

    /** As {@link #write(List, Path)}, with the validation lines called {@code validationName}. */
    public static List<Path> write(List<EpochReport> history, Path directory, String validationName) {
        ReportFiles.directory(directory);
        return List.of(ReportFiles.png(loss(history, validationName), directory.resolve(LOSS)),
                ReportFiles.png(accuracy(history, validationName), directory.resolve(ACCURACY)));
    }

    /** The loss chart: mean training loss and validation loss per epoch. */
    public static BufferedImage loss(List<EpochReport> history, String validationName) {
        return chart(history, "Loss per epoch", "cross-entropy loss", EpochReport::trainLoss, EpochReport::validationLoss, 1,
                validationName);
    }

    /** The accuracy chart, in percent: training accuracy (during the epoch, with dropout) and validation accuracy. */
    public static BufferedImage accuracy(List<EpochReport> history, String validationName) {
        return chart(history, "Accuracy per epoch", "accuracy (%)", EpochReport::trainAccuracy, EpochReport::validationAccuracy, 100,
                validationName);
    }

    private static BufferedImage chart(List<EpochReport> history, String title, String yTitle,
            ToDoubleFunction<EpochReport> training, ToDoubleFunction<EpochReport> validation, double factor,
            String validationName) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("the training history is empty: there are no epochs to plot");
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        Styler styler = chart.getStyler();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE)   // never over a line
                .setChartBackgroundColor(Color.WHITE)
                .setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18))
                .setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14))
                .setMarkerSize(9)
                .setAntiAlias(true);
        chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15))
                .setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13))
                .setPlotGridLinesColor(new Color(225, 225, 225));
        styler.setDecimalPattern("0.###");
        double[] epochs = history.stream().mapToDouble(EpochReport::epoch).toArray();
        double first = epochs[0], last = epochs[epochs.length - 1];
        // Epochs are whole numbers: a tick between two epochs, or outside those trained, gets no label.
        chart.setCustomXAxisTickLabelsFormatter(x -> Math.abs(x - Math.rint(x)) < 1e-9 && x >= first - 1e-9 && x <= last + 1e-9
                ? Long.toString(Math.round(x)) : "");
        if (epochs.length == 1) {
            // One point: give the axis a width, or XChart centres it on a zero-width range.
            chart.getStyler().setXAxisMin(first - 1).setXAxisMax(first + 1);
        }
        double[] trained = values(history, training, factor);
        add(chart, "training", epochs, trained, TRAINING);
        double[] validated = values(history, validation, factor);
        if (java.util.Arrays.stream(validated).anyMatch(v -> !Double.isNaN(v))) {
            add(chart, validationName, epochs, validated, VALIDATION);
        }
        padValueAxis(chart, trained, validated);
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * A tenth of the values' range above and below them: XChart's own range ends at the extreme
     * values, which puts points on the frame and, for few points, labels only those two values.
     */
    private static void padValueAxis(XYChart chart, double[]... series) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double[] values : series) {
            for (double v : values) {
                if (!Double.isNaN(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        double pad = max > min ? (max - min) / 10 : Math.max(Math.abs(max) / 10, 0.01);
        chart.getStyler().setYAxisMin(Math.max(0, min - pad)).setYAxisMax(max + pad);
    }

    private static void add(XYChart chart, String name, double[] epochs, double[] values, Color colour) {
        XYSeries series = chart.addSeries(name, epochs, values);
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setLineColor(colour);
        series.setMarkerColor(colour);
        series.setLineStyle(new BasicStroke(2.5f));
    }

    private static double[] values(List<EpochReport> history, ToDoubleFunction<EpochReport> value, double factor) {
        return history.stream().mapToDouble(r -> value.applyAsDouble(r) * factor).toArray();
    }
}
