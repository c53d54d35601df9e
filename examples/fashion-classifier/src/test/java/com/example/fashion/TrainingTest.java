package com.example.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.data.Preprocessing;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training, saving and loading on generated images: no dataset needed, a few seconds. */
class TrainingTest {
    private static final int SIDE = 28;
    private static final int BLOCK = 7;

    @TempDir Path folder;

    @Test
    void learnsGeneratedImagesAndTheLoadedModelPredictsExactlyAsTheTrainedOne() throws Exception {
        Dataset train = blocks("train", 600, 1);
        Dataset test = blocks("test", 100, 2);
        Options options = new Options(train.size(), test.size(), 3, 32, 7, folder.resolve("model.kiln"), null);

        float[][] trained = new float[test.size()][];
        try (FashionNetModel model = FashionNetModel.create(options.seed())) {
            List<EpochReport> reports = Training.run(model, train, test, options, new TrainingListener() {});
            double accuracy = reports.get(reports.size() - 1).validationAccuracy();
            assertTrue(accuracy > 0.9, "test accuracy after 3 epochs: " + accuracy);
            for (int i = 0; i < test.size(); i++) {
                trained[i] = model.predict(test.image(i));
            }
        }
        assertTrue(Files.isRegularFile(options.checkpoint()), "no checkpoint at " + options.checkpoint());
        // What a Classifier loaded from it needs to answer with names: the shape and the class names.
        Preprocessing saved = Checkpoints.load(options.checkpoint()).preprocessing().orElseThrow();
        assertEquals(MnistFormat.FASHION_MNIST.classNames(), saved.classNames());
        assertArrayEquals(new int[] {1, SIDE, SIDE}, saved.shape());

        try (FashionNetModel loaded = FashionNetModel.create(99)) {
            assertFalse(Arrays.equals(trained[0], loaded.predict(test.image(0))), "an untrained model predicted as the trained one");
            Checkpoints.load(options.checkpoint()).restoreInto(loaded, null);
            for (int i = 0; i < test.size(); i++) {
                assertArrayEquals(trained[i], loaded.predict(test.image(i)), "test image " + i);
            }
        }
    }

    /**
     * Images of 10 classes: class k is a bright 7x7 block in cell k of the 4x4 grid of such
     * blocks, on noise.
     */
    private static Dataset blocks(String name, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] images = new float[count * SIDE * SIDE];
        int[] labels = new int[count];
        for (int e = 0; e < count; e++) {
            int label = e % 10;
            labels[e] = label;
            int top = (label / 4) * BLOCK;
            int left = (label % 4) * BLOCK;
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    boolean inBlock = y >= top && y < top + BLOCK && x >= left && x < left + BLOCK;
                    images[e * SIDE * SIDE + y * SIDE + x] = (inBlock ? 0.8f : 0f) + 0.2f * (float) random.nextDouble();
                }
            }
        }
        return Dataset.ofFloats(name, images, labels, 1, SIDE, SIDE, 10);
    }
}
