package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln train --report DIR} and {@code kiln evaluate --report DIR} write the report's files; {@code --report} alone still prints text only. */
class ReportCommandsTest {
    @TempDir
    Path dir;

    private static final List<String> TEST_FILES = List.of("confusion.txt", "confusion.png", "misclassified.png",
            "conv-filters.png", "conv-feature-maps.png");

    private static void assertPngs(Path report, List<String> names) throws IOException {
        for (String name : names) {
            Path file = report.resolve(name);
            assertTrue(Files.isRegularFile(file), file + " is missing");
            if (name.endsWith(".png")) {
                assertNotNull(ImageIO.read(file.toFile()), file + " is not an image");
            }
        }
    }

    @Test
    void trainAndEvaluateWriteTheReport() throws Exception {
        Path data = SyntheticMnist.write(dir.resolve("data"), 64, 40);
        String checkpoint = dir.resolve("model.kiln").toString();
        Path trainReport = dir.resolve("train-report");
        String trained = CommandRun.output("train", "tf-16-36", "--epochs", "2", "--threads", "1", "--checkpoint", checkpoint,
                "--data", data.toString(), "--report", trainReport.toString(), "--report-image", "3");
        assertPngs(trainReport, List.of("loss.png", "accuracy.png"));
        assertPngs(trainReport, TEST_FILES);
        assertTrue(trained.contains("kiln: report in " + trainReport + ": loss.png, accuracy.png, confusion.txt, confusion.png"), trained);
        assertTrue(Files.readString(trainReport.resolve("confusion.txt")).contains("0 T-shirt/top, 1 Trouser"));

        Path evaluateReport = dir.resolve("evaluate-report");
        String evaluated = CommandRun.output("evaluate", "tf-16-36", "--checkpoint", checkpoint, "--data", data.toString(),
                "--report=" + evaluateReport);
        assertTrue(evaluated.contains("top-3 "), evaluated);
        assertPngs(evaluateReport, TEST_FILES);
        assertFalse(Files.exists(evaluateReport.resolve("loss.png")), "evaluate has no history to draw");

        String textOnly = CommandRun.output("evaluate", "tf-16-36", "--checkpoint", checkpoint, "--data", data.toString(), "--report");
        assertTrue(textOnly.contains("top-3 ") && !textOnly.contains("kiln: report in"), textOnly);

        // A network's name after --report is the network; any other word is the folder.
        String networkAfter = CommandRun.output("evaluate", "--report", "tf-16-36", "--checkpoint", checkpoint, "--data", data.toString());
        assertTrue(networkAfter.contains("top-3 ") && !networkAfter.contains("kiln: report in"), networkAfter);
        Path spaced = dir.resolve("spaced-report");
        CommandRun.output("evaluate", "tf-16-36", "--checkpoint", checkpoint, "--data", data.toString(), "--report", spaced.toString());
        assertPngs(spaced, TEST_FILES);
    }

    @Test
    void aReportPathThatIsAFileIsRefusedBeforeTraining() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        CommandRun run = CommandRun.of("train", "tf-16-36", "--epochs", "1", "--checkpoint", dir.resolve("m.kiln").toString(),
                "--data", dir.resolve("no-data-needed").toString(), "--report", file.toString());
        assertEquals(1, run.exitCode(), run.err());
        assertEquals("cannot write the report into " + file + ": it is a file, not a directory", run.errorLine());
        assertFalse(Files.exists(dir.resolve("m.kiln")));
    }
}
