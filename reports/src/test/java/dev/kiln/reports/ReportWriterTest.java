package dev.kiln.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.Trainer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole report of a model trained through the public API, and the errors for a directory that cannot hold one. */
class ReportWriterTest {

    static BufferedImage readPng(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " was not written");
        byte[] bytes = Files.readAllBytes(file);
        assertEquals((byte) 0x89, bytes[0], file + " is not a PNG");
        assertEquals("PNG", new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII), file + " is not a PNG");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " does not decode");
        return image;
    }

    @Test
    void writesEveryFileOfATrainedModel(@TempDir Path directory) throws IOException {
        Dataset train = Shapes.of("shapes train", 300, 1);
        Dataset test = Shapes.of("shapes test", 90, 2);
        try (TinyConvModel model = TinyConvModel.create(3, 1)) {
            List<EpochReport> history = Trainer.builder(model, Adam.withLearningRate(3e-3f))
                    .epochs(2).batchSize(16).seed(4).validationSplit(0.2)
                    .listeners(new TrainingCharts(directory))
                    .build()
                    .fit(train);
            assertEquals(2, history.size());
            assertEquals(TrainingCharts.WIDTH, readPng(directory.resolve(TrainingCharts.LOSS)).getWidth());
            assertEquals(TrainingCharts.HEIGHT, readPng(directory.resolve(TrainingCharts.ACCURACY)).getHeight());

            ReportWriter report = new ReportWriter(directory).classNames(Shapes.NAMES).misclassifiedLimit(4);
            TestPredictions predictions = report.evaluation(model, test);
            List<Path> conv = report.firstConvolution(model, test, 0);

            readPng(directory.resolve(ReportWriter.CONFUSION_IMAGE));
            String text = Files.readString(directory.resolve(ReportWriter.CONFUSION_TEXT));
            assertTrue(text.startsWith("TinyConv on shapes test"), text);
            assertTrue(text.contains("0 horizontal, 1 vertical, 2 diagonal"), text);
            assertTrue(text.contains(predictions.metrics().toString()), text);
            if (predictions.misclassified().length > 0) {
                readPng(directory.resolve(ReportWriter.MISCLASSIFIED));
            } else {
                assertFalse(Files.exists(directory.resolve(ReportWriter.MISCLASSIFIED)));
                assertTrue(text.contains("No example was misclassified"), text);
            }
            assertEquals(List.of(directory.resolve(ReportWriter.FILTERS), directory.resolve(ReportWriter.FEATURE_MAPS)), conv);
            for (Path file : conv) {
                readPng(file);
            }
            try (var files = Files.list(directory)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "a temporary file was left behind");
            }
        }
    }

    @Test
    void aDirectoryThatCannotHoldTheReportIsAClearError(@TempDir Path directory) throws IOException {
        Path file = Files.writeString(directory.resolve("taken"), "a file");
        IllegalArgumentException isFile = assertThrows(IllegalArgumentException.class, () -> new ReportWriter(file));
        assertEquals("cannot write the report into " + file + ": it is a file, not a directory", isFile.getMessage());
        Path under = file.resolve("report");
        IllegalArgumentException underFile = assertThrows(IllegalArgumentException.class, () -> new TrainingCharts(under));
        assertTrue(underFile.getMessage().startsWith("cannot create the report directory " + under + ": "), underFile.getMessage());
    }

    @Test
    void aModelWithoutConvolutionHasNoFiltersToDraw(@TempDir Path directory) {
        try (DenseOnlyModel model = DenseOnlyModel.create(1, 1)) {
            assertFalse(ReportWriter.hasConvolution(model));
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> new ReportWriter(directory).firstConvolution(model, new float[16], null, "zeros"));
            assertEquals("DenseOnly has no convolution layer, so there are no filters or feature maps to draw; its layers: logits DENSE",
                    error.getMessage());
        }
    }

    @Test
    void anEmptyTestSetOrABadExampleIndexIsAClearError(@TempDir Path directory) {
        try (TinyConvModel model = TinyConvModel.create(1, 1)) {
            ReportWriter report = new ReportWriter(directory);
            Dataset empty = Dataset.ofPixels("nothing", new byte[0], new int[0], 1, 12, 12, 3);
            IllegalArgumentException noExamples = assertThrows(IllegalArgumentException.class, () -> report.evaluation(model, empty));
            assertTrue(noExamples.getMessage().contains("is empty"), noExamples.getMessage());
            IllegalArgumentException noSuchExample = assertThrows(IllegalArgumentException.class,
                    () -> report.firstConvolution(model, Shapes.of("three", 3, 1), 3));
            assertEquals("no example 3 in a set of 3", noSuchExample.getMessage());
        }
    }
}
