package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.KilnCommand;
import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.data.Fer2013Csv;
import dev.kiln.runtime.inference.Classifier;
import dev.kiln.runtime.inference.Prediction;
import dev.kiln.runtime.model.Model;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Every trainable seed network (sections 1-6) trains through the {@code kiln train} command: the
 * 28x28 ones on a slice of real Fashion-MNIST, the emotion network on a small synthetic FER-2013
 * CSV. Each run must finish, print its test accuracy and leave a loadable checkpoint.
 */
class TrainEverySeedNetworkTest {
    @TempDir Path folder;

    @ParameterizedTest
    @ValueSource(strings = {"tf-mnist", "keras-mnist", "pytorch-mnist", "tf-16-36", "lenet-like"})
    void trainsOnFashionMnist(String network) {
        Path checkpoint = folder.resolve(network + ".kiln");
        String out = run(0, "train", network, "--epochs", "1", "--limit", "256", "--test-limit", "200",
                "--data", FashionMnistData.DIRECTORY.toString(), "--checkpoint", checkpoint.toString(), "--threads", "2");
        assertTrue(out.contains("test accuracy"), out);
        assertTrue(Files.exists(checkpoint));
        String evaluated = run(0, "evaluate", network, "--checkpoint", checkpoint.toString(), "--test-limit", "200",
                "--data", FashionMnistData.DIRECTORY.toString());
        assertTrue(evaluated.contains("test accuracy"), evaluated);
    }

    @Test
    void trainsTheEmotionNetworkOnAFer2013Csv() throws IOException {
        Path csv = syntheticFer(folder.resolve("fer2013.csv"), 96, 24);
        Path checkpoint = folder.resolve("emotion.kiln");
        String out = run(0, "train", "emotion", "--epochs", "1", "--data", csv.toString(),
                "--checkpoint", checkpoint.toString());
        assertTrue(out.contains("training emotion on fer2013.csv Training (96 examples; test 24)"), out);
        assertTrue(Files.exists(checkpoint));

        // As in the chapter, a colour photo of its own size: converted to gray, resized to 48x48, and named.
        Path photo = colourPhoto(folder.resolve("photo.png"), 100, 80, 200, 100, 50);
        String predicted = run(0, "predict", "--checkpoint", checkpoint.toString(), "--top", "2", photo.toString());
        assertTrue(predicted.startsWith("kiln: emotion (step 1), images prepared as 1x48x48\n" + photo + "\n"), predicted);
        List<String> lines = predicted.lines().toList();
        assertEquals(4, lines.size(), predicted);
        // One colour gives one gray value, 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 124.2, which any resize keeps:
        // the library's answer for 48x48 pixels of 124 must be what the command printed.
        float[] gray = new float[48 * 48];
        Arrays.fill(gray, 124 / 255f);
        try (Model model = SeedNetworks.EMOTION.create(0)) {
            List<Prediction> expected = Classifier.load(model, checkpoint).classify(gray, 2);
            for (int i = 0; i < 2; i++) {
                Prediction p = expected.get(i);
                assertTrue(Fer2013Csv.EMOTIONS.contains(p.name()), p.name());
                assertEquals((i + 1) + ". " + p.name() + " " + String.format(Locale.ROOT, "%.6f", p.probability()),
                        lines.get(2 + i).strip().replaceAll(" +", " "), predicted);
            }
        }
    }

    /** A width x height RGB PNG of one colour. */
    private static Path colourPhoto(Path file, int width, int height, int r, int g, int b) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void namesWhatIsMissingWhenTheEmotionDataIsNotGiven() {
        String out = run(1, "train", "emotion", "--epochs", "1");
        assertTrue(out.contains("pass the FER-2013 CSV"), out);
    }

    @Test
    void refusesToTrainANetworkThatIsOnlySummarised() {
        String out = run(1, "train", "vgg19");
        assertTrue(out.contains("vgg19 is compiled and summarised only"), out);
        assertEquals(SeedNetworks.VGG19, SeedNetworks.byName("vgg19"));
    }

    /** Runs the kiln command line in this JVM and returns what it printed (stdout and stderr). */
    private static String run(int expectedExit, String... args) {
        StringWriter err = new StringWriter();
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        java.io.PrintStream previous = System.out;
        int exit;
        try {
            System.setOut(new java.io.PrintStream(stdout, true));
            CommandLine cli = KilnCommand.commandLine();
            cli.setErr(new PrintWriter(err, true));
            exit = cli.execute(args);
        } finally {
            System.setOut(previous);
        }
        String printed = stdout + err.toString();
        assertEquals(expectedExit, exit, printed);
        return printed;
    }

    /** A FER-2013 style CSV: random faces with random emotions, {@code train} Training and {@code test} PublicTest rows. */
    private static Path syntheticFer(Path file, int train, int test) throws IOException {
        SplittableRandom random = new SplittableRandom(4);
        StringBuilder csv = new StringBuilder("emotion,pixels,Usage\n");
        for (int row = 0; row < train + test; row++) {
            csv.append(random.nextInt(7)).append(",\"");
            for (int p = 0; p < 48 * 48; p++) {
                csv.append(p == 0 ? "" : " ").append(random.nextInt(256));
            }
            csv.append("\",").append(row < train ? "Training" : "PublicTest").append('\n');
        }
        return Files.writeString(file, csv);
    }
}
