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
    private final List<EpochReport> history = new ArrayList<>();

    /** Charts written into {@code directory}, created if missing. */
    public TrainingCharts(Path directory) {
        this.directory = ReportFiles.directory(directory);
    }

    @Override
    public void epochDone(EpochReport report) {
        history.add(report);
        write(history, directory);
    }

    /**
     * Writes {@value #LOSS} and {@value #ACCURACY} for {@code history} into {@code directory}.
     *
     * @return the files written
     * @throws IllegalArgumentException when the history is empty or the directory cannot be written
     */
    public static List<Path> write(List<EpochReport> history, Path directory) {
        ReportFiles.directory(directory);
        return List.of(ReportFiles.png(loss(history), directory.resolve(LOSS)),
                ReportFiles.png(accuracy(history), directory.resolve(ACCURACY)));
    }

    /** The loss chart: mean training loss and validation loss per epoch. */
    public static BufferedImage loss(List<EpochReport> history) {
        return chart(history, "Loss per epoch", "cross-entropy loss", EpochReport::trainLoss, EpochReport::validationLoss, 1);
    }

    /** The accuracy chart, in percent: training accuracy (during the epoch, with dropout) and validation accuracy. */
    public static BufferedImage accuracy(List<EpochReport> history) {
        return chart(history, "Accuracy per epoch", "accuracy (%)", EpochReport::trainAccuracy, EpochReport::validationAccuracy, 100);
    }

    private static BufferedImage chart(List<EpochReport> history, String title, String yTitle,
            ToDoubleFunction<EpochReport> training, ToDoubleFunction<EpochReport> validation, double factor) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("the training history is empty: there are no epochs to plot");
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        Styler styler = chart.getStyler();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE)
                .setChartBackgroundColor(Color.WHITE)
                .setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18))
                .setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14))
                .setMarkerSize(9)
                .setAntiAlias(true);
        chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15))
                .setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13))
                .setPlotGridLinesColor(new Color(225, 225, 225));
        styler.setDecimalPattern("0.###");
        // Epochs are whole numbers: a tick between two epochs gets no label.
        chart.setCustomXAxisTickLabelsFormatter(x -> Math.abs(x - Math.rint(x)) < 1e-9 ? Long.toString(Math.round(x)) : "");
        double[] epochs = history.stream().mapToDouble(EpochReport::epoch).toArray();
        if (epochs.length == 1) {
            // One point: give the axis a width, or XChart centres it on a zero-width range.
            chart.getStyler().setXAxisMin(epochs[0] - 1).setXAxisMax(epochs[0] + 1);
        }
        add(chart, "training", epochs, values(history, training, factor), TRAINING);
        double[] validated = values(history, validation, factor);
        if (java.util.Arrays.stream(validated).anyMatch(v -> !Double.isNaN(v))) {
            add(chart, "validation", epochs, validated, VALIDATION);
        }
        return BitmapEncoder.getBufferedImage(chart);
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
