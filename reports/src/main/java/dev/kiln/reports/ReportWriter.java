package dev.kiln.reports;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Normalization;
import dev.kiln.runtime.model.LayerInfo;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.Examples;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the results of a model into one directory, for a person to look at:
 *
 * <ul>
 *   <li>{@value TrainingCharts#LOSS}, {@value TrainingCharts#ACCURACY}: loss and accuracy per epoch ({@link #history});
 *   <li>{@value #CONFUSION_TEXT}, {@value #CONFUSION_IMAGE}: the confusion matrix as a table and as a heat
 *       map, and {@value #MISCLASSIFIED}: misclassified test images ({@link #evaluation});
 *   <li>{@value #FILTERS}, {@value #FEATURE_MAPS}: the first convolution's filters and its feature maps
 *       for one image ({@link #firstConvolution}).
 * </ul>
 *
 * <pre>{@code
 * ReportWriter report = new ReportWriter(Path.of("report")).classNames(names);
 * report.history(history);                       // the list Trainer.fit returned
 * TestPredictions results = report.evaluation(model, test);
 * report.firstConvolution(model, test, 0);       // filters, and feature maps of test image 0
 * }</pre>
 *
 * Each file is replaced whole: a reader never sees half of one.
 */
public final class ReportWriter {
    public static final String CONFUSION_TEXT = "confusion.txt";
    public static final String CONFUSION_IMAGE = "confusion.png";
    public static final String MISCLASSIFIED = "misclassified.png";
    public static final String FILTERS = "conv-filters.png";
    public static final String FEATURE_MAPS = "conv-feature-maps.png";

    private final Path directory;
    private List<String> classNames = List.of();
    private int misclassifiedLimit = 25;
    private int batchSize = 256;

    /**
     * A report in {@code directory}, created if missing.
     *
     * @throws IllegalArgumentException when it is a file or cannot be written
     */
    public ReportWriter(Path directory) {
        this.directory = ReportFiles.directory(directory);
    }

    public Path directory() {
        return directory;
    }

    /** The names shown for class indices (default: the indices). */
    public ReportWriter classNames(List<String> names) {
        this.classNames = List.copyOf(names);
        return this;
    }

    /** At most this many misclassified images in {@value #MISCLASSIFIED} (default 25). */
    public ReportWriter misclassifiedLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the misclassified limit must be at least 1, got " + limit);
        }
        this.misclassifiedLimit = limit;
        return this;
    }

    /** Examples per batch of inference in {@link #evaluation} (default 256). */
    public ReportWriter batchSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, got " + size);
        }
        this.batchSize = size;
        return this;
    }

    /** Loss and accuracy per epoch; see {@link TrainingCharts}. */
    public List<Path> history(List<EpochReport> history) {
        return TrainingCharts.write(history, directory);
    }

    /**
     * Runs {@code model} over {@code test} and writes the confusion matrix (text and heat map) and
     * the grid of misclassified images; when every example is right there is no grid, and the text
     * says so.
     *
     * @return the predictions the files were drawn from
     */
    public TestPredictions evaluation(Model model, Examples test) {
        TestPredictions predictions = TestPredictions.of(model, test, batchSize);
        List<String> names = ClassNames.of(classNames, model.classes());
        String setName = test.name().isBlank() ? "the test set" : test.name();
        String title = String.format(Locale.ROOT, "%s on %s: confusion matrix (%d examples, accuracy %.2f%%)",
                model.name(), setName, predictions.size(), 100 * predictions.metrics().accuracy());
        ReportFiles.png(ConfusionHeatMap.render(predictions.metrics(), names, title), directory.resolve(CONFUSION_IMAGE));
        boolean anyWrong = predictions.misclassified().length > 0;
        if (anyWrong) {
            ReportFiles.png(MisclassifiedGrid.render(model, predictions, names, misclassifiedLimit), directory.resolve(MISCLASSIFIED));
        }
        ReportFiles.text(confusionText(model, setName, predictions, names, anyWrong), directory.resolve(CONFUSION_TEXT));
        return predictions;
    }

    /**
     * The first convolution layer's filters, and its feature maps for example {@code example} of
     * {@code images}.
     *
     * @throws IllegalArgumentException when the model has no convolution layer, or there is no such example
     */
    public List<Path> firstConvolution(Model model, Examples images, int example) {
        if (example < 0 || example >= images.size()) {
            throw new IllegalArgumentException("no example " + example + " in a set of " + images.size());
        }
        float[] image = new float[model.inputSize()];
        int[] label = new int[1];
        Examples.requireShape(images, model, "image");
        images.fill(new int[] {example}, 0, 1, image, label);
        Normalization normalization = images instanceof Dataset data ? data.normalization() : null;
        String caption = "image " + example + (images.name().isBlank() ? "" : " of " + images.name())
                + " (" + ClassNames.of(classNames, model.classes()).get(label[0]) + ")";
        return firstConvolution(model, image, normalization, caption);
    }

    /**
     * The first convolution layer's filters, and its feature maps for {@code image} (the model's
     * input, channels x height x width).
     *
     * @param normalization how the image was normalized, to show it as it was; null if not known
     * @param caption       what the image is, for the title
     */
    public List<Path> firstConvolution(Model model, float[] image, Normalization normalization, String caption) {
        List<Path> written = new ArrayList<>();
        written.add(ReportFiles.png(ConvFilterGrid.render(model), directory.resolve(FILTERS)));
        written.add(ReportFiles.png(FeatureMapGrid.render(model, image, normalization, caption), directory.resolve(FEATURE_MAPS)));
        return written;
    }

    /** Whether {@code model} has a convolution layer to draw {@link #firstConvolution} from. */
    public static boolean hasConvolution(Model model) {
        return model.layers().stream().anyMatch(l -> l.kind() == LayerInfo.Kind.CONV);
    }

    private static String confusionText(Model model, String setName, TestPredictions predictions, List<String> names, boolean anyWrong) {
        StringBuilder text = new StringBuilder();
        text.append(model.name()).append(" on ").append(setName).append(System.lineSeparator());
        text.append("classes:");
        for (int c = 0; c < names.size(); c++) {
            text.append(' ').append(c).append(' ').append(names.get(c)).append(c + 1 < names.size() ? "," : "");
        }
        text.append(System.lineSeparator()).append(predictions.metrics()).append(System.lineSeparator());
        if (!anyWrong) {
            text.append("No example was misclassified, so there is no ").append(MISCLASSIFIED).append('.').append(System.lineSeparator());
        }
        return text.toString();
    }
}
