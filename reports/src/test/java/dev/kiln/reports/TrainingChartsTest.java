package dev.kiln.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.train.CsvHistory;
import dev.kiln.runtime.train.EpochReport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loss and accuracy charts: their size, which lines they draw, the CSV history read back, and an empty history. */
class TrainingChartsTest {
    private static final int ORANGE = 0xff7f0e;
    private static final int BLUE = 0x1f77b4;

    private static List<EpochReport> history(boolean validation) {
        double nan = Double.NaN;
        return List.of(
                new EpochReport(1, 10, 1.2, 0.55, validation ? 0.9 : nan, validation ? 0.68 : nan, 1e-3, 2.0, 640),
                new EpochReport(2, 20, 0.7, 0.74, validation ? 0.65 : nan, validation ? 0.77 : nan, 1e-3, 2.0, 640),
                new EpochReport(3, 30, 0.5, 0.82, validation ? 0.6 : nan, validation ? 0.8 : nan, 1e-3, 2.0, 640));
    }

    private static long pixelsOf(BufferedImage image, int rgb) {
        long count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void drawsTrainingAndValidationLines(@TempDir Path directory) throws IOException {
        List<Path> files = TrainingCharts.write(history(true), directory);
        assertEquals(List.of(directory.resolve("loss.png"), directory.resolve("accuracy.png")), files);
        for (Path file : files) {
            BufferedImage chart = ReportWriterTest.readPng(file);
            assertEquals(800, chart.getWidth());
            assertEquals(500, chart.getHeight());
            assertTrue(pixelsOf(chart, BLUE) > 200, file + ": the training line is missing");
            assertTrue(pixelsOf(chart, ORANGE) > 200, file + ": the validation line is missing");
        }
    }

    @Test
    void withoutValidationOnlyTheTrainingLineIsDrawn(@TempDir Path directory) throws IOException {
        BufferedImage chart = ReportWriterTest.readPng(TrainingCharts.write(history(false), directory).get(0));
        assertTrue(pixelsOf(chart, BLUE) > 200);
        assertEquals(0, pixelsOf(chart, ORANGE), "a validation line was drawn for a history without validation");
    }

    @Test
    void readsTheHistoryCsvHistoryWrote(@TempDir Path directory) throws IOException {
        Path csv = directory.resolve("history.csv");
        CsvHistory writer = new CsvHistory(csv);
        history(true).forEach(writer::epochDone);
        List<EpochReport> read = HistoryCsv.read(csv);
        assertEquals(3, read.size());
        for (int i = 0; i < 3; i++) {
            EpochReport expected = history(true).get(i);
            assertEquals(expected.epoch(), read.get(i).epoch());
            assertEquals(expected.trainLoss(), read.get(i).trainLoss());
            assertEquals(expected.validationAccuracy(), read.get(i).validationAccuracy());
        }
        ReportWriterTest.readPng(TrainingCharts.write(read, directory).get(1));

        Path noValidation = directory.resolve("train-only.csv");
        CsvHistory trainOnly = new CsvHistory(noValidation);
        history(false).forEach(trainOnly::epochDone);
        assertTrue(Double.isNaN(HistoryCsv.read(noValidation).get(2).validationLoss()));
    }

    @Test
    void badHistoriesAreClearErrors(@TempDir Path directory) throws IOException {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> TrainingCharts.write(List.of(), directory));
        assertEquals("the training history is empty: there are no epochs to plot", empty.getMessage());
        Path wrong = Files.writeString(directory.resolve("wrong.csv"), "epoch,loss\n1,0.5\n");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> HistoryCsv.read(wrong));
        assertEquals(wrong + " has no column \"train_loss\"; its header is epoch,loss", missing.getMessage());
        Path garbled = Files.writeString(directory.resolve("garbled.csv"),
                "epoch,steps,learning_rate,train_loss,train_accuracy,val_loss,val_accuracy,seconds\n1,10,0.001,abc,0.5,,,1.0\n");
        IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class, () -> HistoryCsv.read(garbled));
        assertEquals(garbled + ", line 2, column train_loss: \"abc\" is not a number", notNumber.getMessage());
    }
}
