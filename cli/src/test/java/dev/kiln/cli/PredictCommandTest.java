package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.inference.Classifier;
import dev.kiln.runtime.inference.Prediction;
import dev.kiln.runtime.model.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln predict} prints, for an image file, what the library's {@link Classifier} answers for
 * the same pixels given in code: the same classes, by name, with the same printed probabilities.
 */
class PredictCommandTest {
    @TempDir Path dir;
    private Path checkpoint;

    /** pytorch-mnist trained briefly with a normalization computed from the data, so predict must apply it. */
    @BeforeEach
    void train() throws IOException {
        Path data = SyntheticMnist.write(dir.resolve("data"), 64, 16);
        checkpoint = dir.resolve("model.kiln");
        CommandRun.output("train", "pytorch-mnist", "--epochs", "1", "--batch-size", "16", "--threads", "1", "--normalize",
                "auto", "--checkpoint", checkpoint.toString(), "--data", data.toString());
    }

    @Test
    void aPngGetsTheClassesAndProbabilitiesTheLibraryGivesForItsPixels() throws IOException {
        byte[] pixels = new byte[28 * 28];
        new SplittableRandom(11).nextBytes(pixels);
        Path png = DataFiles.grayPng(dir.resolve("digit.png"), pixels, 28, 28);

        String printed = CommandRun.output("predict", "--checkpoint", checkpoint.toString(), "--top", "3", png.toString());

        List<Prediction> expected;
        try (Model model = SeedNetworks.PYTORCH_MNIST.create(0)) {
            float[] unit = new float[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                unit[i] = (pixels[i] & 0xFF) / 255f;
            }
            expected = Classifier.load(model, checkpoint).classify(unit, 3);
        }
        String[] lines = printed.split("\n");
        assertTrue(lines[0].startsWith("kiln: pytorch-mnist (step 4), images prepared as 1x28x28, normalize(mean="), printed);
        assertEquals(png.toString(), lines[1]);
        for (int i = 0; i < 3; i++) {
            Prediction p = expected.get(i);
            assertTrue(MnistFormat.FASHION_MNIST.classNames().contains(p.name()));
            assertEquals((i + 1) + ". " + p.name() + " " + PredictCommand.probability(p.probability()),
                    lines[2 + i].strip().replaceAll(" +", " "), printed);
        }
        assertEquals(5, lines.length, printed);
    }

    @Test
    void aColourPhotoOfAnotherSizeIsConvertedAndResizedAsTheLibraryDoes() throws IOException {
        Path photo = DataFiles.rgbPng(dir.resolve("photo.png"), 100, 80, 3, 1);
        Path second = DataFiles.rgbPng(dir.resolve("other.png"), 31, 17, 6, 2);

        String printed = CommandRun.output("predict", "--checkpoint", checkpoint.toString(), "--top", "2", photo.toString(),
                second.toString());

        StringBuilder expected = new StringBuilder();
        try (Model model = SeedNetworks.PYTORCH_MNIST.create(0)) {
            Classifier classifier = Classifier.load(model, checkpoint);
            for (Path image : List.of(photo, second)) {
                expected.append(image).append('\n');
                List<Prediction> best = classifier.classify(image, 2);
                for (int i = 0; i < best.size(); i++) {
                    expected.append(i + 1).append(". ").append(best.get(i).name()).append(' ')
                            .append(PredictCommand.probability(best.get(i).probability())).append('\n');
                }
            }
        }
        String blocks = printed.substring(printed.indexOf('\n') + 1).lines().map(line -> line.strip().replaceAll(" +", " "))
                .reduce("", (a, b) -> a + b + "\n");
        assertEquals(expected.toString(), blocks);
    }

    @Test
    void badImagesAndOptionsAreOneLineNamingThem() throws IOException {
        Path broken = Files.write(dir.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2});
        CommandRun run = CommandRun.of("predict", "--checkpoint", checkpoint.toString(), broken.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().startsWith(broken.toString()), run.err());

        run = CommandRun.of("predict", "--checkpoint", checkpoint.toString(), "--top", "11", broken.toString());
        assertEquals("--top 11: give 1 to 10 (pytorch-mnist has 10 classes)", run.errorLine());
    }
}
