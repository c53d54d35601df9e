package dev.kiln.it.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.ImageFolder;
import dev.kiln.runtime.data.TrainAndTest;
import dev.kiln.runtime.io.Checkpoint;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.Trainer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AlexNet chapter's recipe (seed network 8) on a folder of "dog" and "cat" images, through the
 * public API: load a checkpoint into AlexNet (every layer but the last declared
 * {@code trainable = false}), read an image folder resized to 227x227, train, and only the last
 * layer changes. No ImageNet weights are available offline, so the "pretrained" checkpoint is a
 * seeded AlexNet; the images are synthetic: cats reddish with horizontal stripes, dogs bluish with
 * vertical ones, 64x48 RGB PNGs, so every image is resized; 8 of each to train on, 2 to test.
 */
class AlexNetImageFolderTest {
    @TempDir Path dir;

    @Test
    void fineTunesTheLastLayerOnAnImageFolderAndLeavesEveryFrozenLayerAsLoaded() throws IOException {
        Path folder = dir.resolve("dogs-vs-cats");
        // AlexNet's forward pass is heavy (about 1.4 GFLOP an image): few images keep the test to seconds.
        for (int i = 0; i < 10; i++) {
            String part = i < 8 ? "train" : "test";
            png(folder.resolve(part + "/cat/" + i + ".png"), false, i);
            png(folder.resolve(part + "/dog/" + i + ".png"), true, 100 + i);
        }
        TrainAndTest sets = ImageFolder.reader(3, 227, 227).read(folder);
        Dataset train = sets.train();
        Dataset test = sets.test();
        assertEquals(List.of("cat", "dog"), sets.classNames());
        assertEquals(16, sets.train().size());
        long started = System.nanoTime();

        Path pretrained = dir.resolve("alexnet.kiln");
        try (Model trained = SeedNetworks.ALEXNET.create(1)) {
            Checkpoints.save(pretrained, trained, null, Map.of());
        }
        try (Model alexnet = SeedNetworks.ALEXNET.create(2)) {
            Checkpoint checkpoint = Checkpoints.load(pretrained);
            Checkpoint.Transfer transfer = checkpoint.restoreMatching(alexnet);
            assertEquals(checkpoint.parameterNames(), transfer.loaded());
            List<Parameter> parameters = alexnet.parameters();
            float[] lastBefore = parameters.get(parameters.size() - 2).toPytorch();

            long loaded = System.nanoTime();
            List<EpochReport> history = Trainer.builder(alexnet, Adam.withLearningRate(1e-2f)).epochs(3).batchSize(4).seed(3)
                    .build().fit(train, null);

            for (Parameter p : parameters.subList(0, parameters.size() - 2)) {
                assertArrayEquals(checkpoint.values(p.name()), p.toPytorch(), p.name() + " is frozen");
            }
            assertEquals("fc8.weight", parameters.get(parameters.size() - 2).name());
            assertFalse(java.util.Arrays.equals(lastBefore, parameters.get(parameters.size() - 2).toPytorch()),
                    "fc8.weight was trained");
            double trainAccuracy = Evaluation.accuracy(alexnet, train, 4);
            double testAccuracy = Evaluation.accuracy(alexnet, test, 4);
            System.out.printf("AlexNet fine-tuning: saving and loading the checkpoint %.1f s, training %.1f s; %s;"
                    + " accuracy on the training images %.3f, on the 4 test images %.3f%n", (loaded - started) / 1e9,
                    (System.nanoTime() - loaded) / 1e9, history, trainAccuracy, testAccuracy);
            // At least 12 of the 16: chance (1/2 each) gets that far 4% of the time.
            assertTrue(trainAccuracy >= 0.75, "training accuracy " + trainAccuracy + " of two classes; " + history);
        }
    }

    /** A 64x48 RGB picture: a dog bluish with vertical stripes, a cat reddish with horizontal ones, with noise. */
    private static void png(Path file, boolean dog, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int period = 4 + random.nextInt(5);
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                boolean stripe = ((dog ? x : y) / period) % 2 == 0;
                int light = (stripe ? 170 : 60) + random.nextInt(-30, 31);
                int r = dog ? light / 3 : light;
                int b = dog ? light : light / 3;
                image.setRGB(x, y, (r << 16) | ((light / 2) << 8) | b);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }
}
