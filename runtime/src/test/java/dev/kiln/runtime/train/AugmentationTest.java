package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Normalization;
import dev.kiln.runtime.optim.Adam;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Random crops and flips, checked against their definitions, and how the trainer seeds and applies them. */
class AugmentationTest {

    /** {@code count} images of channels x height x width whose values 1, 2, 3, ... are all different. */
    private static float[] distinct(int count, int channels, int height, int width) {
        float[] images = new float[count * channels * height * width];
        for (int i = 0; i < images.length; i++) {
            images[i] = i + 1;
        }
        return images;
    }

    /** Image {@code n} shifted by (dy, dx) with {@code fill} outside, by the definition. */
    private static float[] shifted(float[] images, int n, int channels, int height, int width, int dy, int dx, float fill) {
        float[] out = new float[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int sy = y + dy;
                    int sx = x + dx;
                    boolean inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
                    out[(c * height + y) * width + x] = inside
                            ? images[((n * channels + c) * height + sy) * width + sx] : fill;
                }
            }
        }
        return out;
    }

    @Test
    void aRandomCropIsAShiftWithinThePaddingAndEveryShiftOccurs() {
        int count = 2000;
        int channels = 2;
        int height = 5;
        int width = 6;
        float[] original = distinct(count, channels, height, width);
        float[] images = original.clone();

        Augmentation.randomCrop(2).apply(images, count, channels, height, width, new float[] {-7f}, new SplittableRandom(1));

        int[][] seen = new int[5][5];
        int size = channels * height * width;
        for (int n = 0; n < count; n++) {
            float[] out = Arrays.copyOfRange(images, n * size, (n + 1) * size);
            int matches = 0;
            for (int dy = -2; dy <= 2; dy++) {
                for (int dx = -2; dx <= 2; dx++) {
                    if (Arrays.equals(out, shifted(original, n, channels, height, width, dy, dx, -7f))) {
                        matches++;
                        seen[dy + 2][dx + 2]++;
                    }
                }
            }
            assertEquals(1, matches, "image " + n + " is one shift of the original, the same for both channels");
        }
        for (int[] row : seen) {
            for (int times : row) {
                assertTrue(times > 40 && times < 130, "each of 25 shifts about 80 times in 2000: " + Arrays.deepToString(seen));
            }
        }
    }

    @Test
    void aFlipMirrorsAboutHalfTheImages() {
        int count = 2000;
        float[] original = distinct(count, 3, 4, 5);
        float[] images = original.clone();

        Augmentation.horizontalFlip().apply(images, count, 3, 4, 5, new float[] {0}, new SplittableRandom(2));

        int flipped = 0;
        for (int n = 0; n < count; n++) {
            boolean same = true;
            boolean mirrored = true;
            for (int r = 0; r < 3 * 4; r++) {
                for (int x = 0; x < 5; x++) {
                    float value = images[(n * 12 + r) * 5 + x];
                    same &= value == original[(n * 12 + r) * 5 + x];
                    mirrored &= value == original[(n * 12 + r) * 5 + 4 - x];
                }
            }
            assertTrue(same ^ mirrored, "image " + n + " is either unchanged or mirrored");
            flipped += mirrored ? 1 : 0;
        }
        assertTrue(flipped > 900 && flipped < 1100, flipped + " of 2000 flipped");
    }

    @Test
    void cropZeroChangesNothingAndStepsRunInOrder() {
        float[] original = distinct(3, 1, 4, 4);
        float[] images = original.clone();
        Augmentation.randomCrop(0).apply(images, 3, 1, 4, 4, new float[] {0}, new SplittableRandom(3));
        assertArrayEquals(original, images);
        assertEquals("randomCrop(4).then(horizontalFlip())", Augmentation.randomCrop(4).thenFlip().toString());
    }

    /** 40 images of 1x4x4 bytes, every pixel 10 + (example % 200), label example % 2. */
    private static Dataset bytes(int count) {
        byte[] pixels = new byte[count * 16];
        int[] labels = new int[count];
        for (int e = 0; e < count; e++) {
            Arrays.fill(pixels, e * 16, (e + 1) * 16, (byte) (10 + e % 200));
            labels[e] = e % 2;
        }
        return Dataset.ofPixels("bytes", pixels, labels, 1, 4, 4, 2);
    }

    private static List<float[]> trainedBatches(Dataset data, Augmentation augmentation, long seed) {
        ScriptedModel model = new ScriptedModel(step -> 1.0).withInput(1, 4, 4).recordingBatches();
        Trainer.builder(model, Adam.withLearningRate(1e-3f)).epochs(2).batchSize(8).seed(seed).augment(augmentation).build()
                .fit(data, data);
        return model.batches;
    }

    @Test
    void theTrainerAugmentsTrainingBatchesReproduciblyFillingWithBlack() {
        Normalization normalization = Normalization.of(0.5f, 0.25f);
        Dataset data = bytes(40).withNormalization(normalization);
        Augmentation crop = Augmentation.randomCrop(1);

        List<float[]> plain = trainedBatches(data, null, 5);
        List<float[]> first = trainedBatches(data, crop, 5);
        List<float[]> again = trainedBatches(data, crop, 5);
        List<float[]> otherSeed = trainedBatches(data, crop, 6);

        assertEquals(10, first.size(), "2 epochs of 5 batches; validation is not trained on");
        for (int b = 0; b < first.size(); b++) {
            assertArrayEquals(first.get(b), again.get(b), "batch " + b + " repeats with the same seed");
        }
        assertFalse(Arrays.equals(first.get(0), otherSeed.get(0)), "another seed crops otherwise");
        float black = (0f - 0.5f) / 0.25f;
        int filled = 0;
        for (int b = 0; b < first.size(); b++) {
            float[] raw = plain.get(b);
            float[] cropped = first.get(b);
            for (int i = 0; i < raw.length; i++) {
                // Each image is one flat value, so a crop either keeps it or brings in black.
                if (cropped[i] != raw[i]) {
                    assertEquals(black, cropped[i], "what comes in from outside is a black pixel, normalized");
                    filled++;
                }
            }
        }
        assertTrue(filled > 0, "some shifts brought black pixels in");
    }

    /**
     * Pixels stay bytes and are converted per batch: an epoch over 50,000 images of 28x28 (39 MB
     * of bytes; 157 MB as floats), cropped and flipped, allocates a small fraction of the data.
     */
    @Test
    void anEpochOverFiftyThousandByteImagesAllocatesAFractionOfThem() {
        int count = 50_000;
        byte[] pixels = new byte[count * 784];
        new SplittableRandom(4).nextBytes(pixels);
        int[] labels = new int[count];
        Dataset data = Dataset.ofPixels("50k", pixels, labels, 1, 28, 28, 2);
        ScriptedModel model = new ScriptedModel(step -> 1.0).withInput(1, 28, 28);
        Trainer trainer = Trainer.builder(model, Adam.withLearningRate(1e-3f)).epochs(1).batchSize(64)
                .augment(Augmentation.randomCrop(2).thenFlip()).build();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long before = threads.getCurrentThreadAllocatedBytes();
        trainer.fit(data, null);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        System.out.printf("an augmented epoch over %,d bytes of pixels allocated %,d bytes%n", pixels.length, allocated);
        assertTrue(allocated < pixels.length / 4, "allocated " + allocated + " bytes over " + pixels.length + " bytes of data");
    }
}
