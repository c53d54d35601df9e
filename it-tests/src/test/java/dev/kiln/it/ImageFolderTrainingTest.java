package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Padding;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.ImageFolder;
import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.data.Normalization;
import dev.kiln.runtime.data.TrainAndTest;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.Trainer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test for image folders: Fashion-MNIST written as 3x32x32 RGB PNG files by
 * ImageIO, in Keras's train/&lt;class&gt; and test/&lt;class&gt; layout, read back through
 * {@link ImageFolder}, and a network declared here trained on it through {@link Trainer} for 3
 * epochs must reach 85% on the first 5,000 test images.
 *
 * <p>Each 28x28 image is padded with 2 black pixels on every side to 32x32 and tinted with a colour
 * of its own (a seeded random gain of 0.35..1 per channel), so the files are true colour and the
 * loader must keep R, G and B apart. To keep CI short, the first 20,000 training images and the
 * first 5,000 test images are written.
 */
class ImageFolderTrainingTest {
    private static final int TRAIN_IMAGES = 20_000;
    private static final int TEST_IMAGES = 5_000;

    @TempDir Path dir;

    @Network(input = {3, 32, 32}) // generates ColourClothesModel
    static class ColourClothes {
        @Conv(filters = 16, kernel = 3, mode = Padding.SAME, activation = Activation.RELU)
        Layer conv1;                          // 16 x 32 x 32

        @MaxPool(size = 2)
        Layer pool1;                          // 16 x 16 x 16

        @Conv(filters = 32, kernel = 3, mode = Padding.SAME, activation = Activation.RELU)
        Layer conv2;                          // 32 x 16 x 16

        @MaxPool(size = 2)
        Layer pool2;                          // 32 x 8 x 8

        @Dense(units = 64, activation = Activation.RELU)
        Layer fc1;

        @Dense(units = 10)
        Layer logits;
    }

    @Test
    void aNetworkReaches85PercentOnAnRgbPngFolderInThreeEpochs() throws Exception {
        TrainAndTest fashion = FashionMnistData.load();
        long began = System.nanoTime();
        writeFolder(fashion.train(), TRAIN_IMAGES, dir.resolve("train"), 1);
        writeFolder(fashion.test(), TEST_IMAGES, dir.resolve("test"), 2);
        double writeSeconds = (System.nanoTime() - began) / 1e9;

        began = System.nanoTime();
        TrainAndTest sets = ImageFolder.reader(3, 32, 32).read(dir);
        double readSeconds = (System.nanoTime() - began) / 1e9;

        assertEquals(folderNames(), sets.classNames());
        assertEquals(TRAIN_IMAGES, sets.train().size());
        assertEquals(TEST_IMAGES, sets.test().size());
        assertEquals(0, sets.skipped().count());
        Normalization normalization = Normalization.computeFrom(sets.train());
        Dataset train = sets.train().withNormalization(normalization);
        Dataset test = sets.test().withNormalization(normalization);

        try (ColourClothesModel model = ColourClothesModel.create(7)) {
            model.setThreads(2);
            List<EpochReport> epochs = Trainer.builder(model, Adam.withLearningRate(1e-3f))
                    .epochs(3).batchSize(64).seed(3)
                    .build()
                    .fit(train, test);

            EpochReport last = epochs.get(epochs.size() - 1);
            double trainSeconds = epochs.stream().mapToDouble(EpochReport::seconds).sum();
            System.out.printf("image folder of %,d + %,d RGB PNGs: written in %.1f s, read in %.1f s; 3 epochs in %.1f s;"
                    + " test accuracy by epoch %.2f%% %.2f%% %.2f%%%n", TRAIN_IMAGES, test.size(), writeSeconds, readSeconds,
                    trainSeconds, 100 * epochs.get(0).validationAccuracy(), 100 * epochs.get(1).validationAccuracy(),
                    100 * last.validationAccuracy());
            assertEquals(3, epochs.size());
            assertTrue(last.validationAccuracy() >= 0.85, "test accuracy " + last.validationAccuracy() + " is below 85%");
        }
    }

    /** Class folders named "0-T-shirt_top" ... so that their sorted order is the label order. */
    private static List<String> folderNames() {
        List<String> names = MnistFormat.FASHION_MNIST.classNames();
        return IntStream.range(0, names.size()).mapToObj(i -> i + "-" + names.get(i).replace('/', '_').replace(' ', '_'))
                .toList();
    }

    /** The first {@code count} images of {@code data} as tinted 32x32 RGB PNGs in class folders. */
    private static void writeFolder(Dataset data, int count, Path folder, long seed) throws IOException {
        List<String> classes = folderNames();
        for (String name : classes) {
            Files.createDirectories(folder.resolve(name));
        }
        IntStream.range(0, count).parallel().forEach(i -> {
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
            double[] tint = {0.35 + 0.65 * random.nextDouble(), 0.35 + 0.65 * random.nextDouble(), 0.35 + 0.65 * random.nextDouble()};
            float[] gray = data.image(i); // 1 x 28 x 28 in [0, 1]
            BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    float v = 255 * gray[y * 28 + x];
                    int r = (int) Math.round(v * tint[0]);
                    int g = (int) Math.round(v * tint[1]);
                    int b = (int) Math.round(v * tint[2]);
                    image.setRGB(x + 2, y + 2, (r << 16) | (g << 8) | b);
                }
            }
            Path file = folder.resolve(classes.get(data.label(i))).resolve(String.format("%05d.png", i));
            try {
                if (!ImageIO.write(image, "png", file.toFile())) {
                    throw new IOException("no PNG writer");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
