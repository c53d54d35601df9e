package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DatasetTest {

    /** {@code count} 2x2x3 images: pixel j of example e is e * 12 + j; label e % 3. */
    private static Dataset pixels(int count) {
        byte[] pixels = new byte[count * 12];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) i;
        }
        int[] labels = IntStream.range(0, count).map(e -> e % 3).toArray();
        return Dataset.ofPixels("tiny", pixels, labels, 2, 2, 3, 3);
    }

    @Test
    void scalesBytesToTheUnitInterval() {
        Dataset data = pixels(2);
        float[] image = data.image(1);
        for (int j = 0; j < 12; j++) {
            assertEquals((12 + j) / 255f, image[j], 0f);
        }
    }

    @Test
    void ordersAreSeededPermutations() {
        Dataset data = pixels(100);
        int[] order = data.order(42, 1);
        assertArrayEquals(order, data.order(42, 1));
        assertArrayEquals(IntStream.range(0, 100).toArray(), Arrays.stream(order.clone()).sorted().toArray());
        assertFalse(Arrays.equals(order, data.order(42, 2)), "another epoch, another order");
        assertFalse(Arrays.equals(order, data.order(43, 1)), "another seed, another order");
        assertFalse(Arrays.equals(order, IntStream.range(0, 100).toArray()), "shuffled");
    }

    @Test
    void fillsABatchInTheGivenOrder() {
        Dataset data = pixels(5);
        float[] images = new float[3 * 12];
        int[] labels = new int[3];
        data.fill(new int[] {4, 0, 2, 1, 3}, 1, 2, images, labels);
        assertArrayEquals(data.image(0), Arrays.copyOfRange(images, 0, 12));
        assertArrayEquals(data.image(2), Arrays.copyOfRange(images, 12, 24));
        assertArrayEquals(new int[] {0, 2, 0}, labels);
    }

    @Test
    void normalizesPerChannel() {
        Dataset data = pixels(1).withNormalization(Normalization.perChannel(new float[] {0.1f, 0.2f}, new float[] {0.5f, 0.25f}));
        float[] image = data.image(0);
        assertEquals((0 / 255f - 0.1f) / 0.5f, image[0], 0f);
        assertEquals((6 / 255f - 0.2f) / 0.25f, image[6], 0f);
    }

    @Test
    void computedNormalizationGivesZeroMeanUnitStd() {
        Dataset data = pixels(20);
        Dataset normalized = data.withNormalization(Normalization.computeFrom(data));
        double sum = 0;
        double squares = 0;
        for (int e = 0; e < normalized.size(); e++) {
            for (int j = 0; j < 6; j++) { // channel 0
                float x = normalized.image(e)[j];
                sum += x;
                squares += x * x;
            }
        }
        double n = 20 * 6;
        assertEquals(0, sum / n, 1e-5);
        assertEquals(1, Math.sqrt(squares / n - (sum / n) * (sum / n)), 1e-5);
    }

    /** {@code count} single-value images holding their own index. */
    private static Dataset numbered(int count) {
        float[] values = new float[count];
        for (int e = 0; e < count; e++) {
            values[e] = e;
        }
        return Dataset.ofFloats("numbered", values, new int[count], 1, 1, 1, 1);
    }

    private static int[] members(Dataset part) {
        return IntStream.range(0, part.size()).map(e -> (int) part.image(e)[0]).toArray();
    }

    @Test
    void validationSplitIsSeededDisjointAndComplete() {
        Dataset data = numbered(50);
        Dataset.Split split = data.split(0.2, 7);
        assertEquals(10, split.validation().size());
        assertEquals(40, split.training().size());
        int[] all = IntStream.concat(Arrays.stream(members(split.training())), Arrays.stream(members(split.validation())))
                .sorted().toArray();
        assertArrayEquals(IntStream.range(0, 50).toArray(), all);
        assertArrayEquals(members(split.validation()), members(data.split(0.2, 7).validation()));
        assertFalse(Arrays.equals(members(split.validation()), members(data.split(0.2, 8).validation())));
        assertFalse(Arrays.equals(members(split.validation()), IntStream.range(0, 10).toArray()), "random, not the first ten");
    }

    @Test
    void subsetsShareStorageAndKeepLabels() {
        Dataset data = pixels(10);
        Dataset subset = data.subset(new int[] {7, 3}).subset(new int[] {1});
        assertEquals(1, subset.size());
        assertEquals(0, subset.label(0)); // example 3
        assertArrayEquals(data.image(3), subset.image(0));
        assertEquals(5, data.first(5).size());
    }

    @Test
    void rejectsLabelsOutsideTheClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofFloats("f", new float[2], new int[] {0, 4}, 1, 1, 1, 3));
        assertEquals("f: label 4 of example 1 is outside 0..2", e.getMessage());
    }
}
