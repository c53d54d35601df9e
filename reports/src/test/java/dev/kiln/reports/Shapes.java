package dev.kiln.reports;

import dev.kiln.runtime.data.Dataset;
import java.util.List;
import java.util.Random;

/**
 * A small labelled set the tests train and evaluate on: 12x12 gray images with a bright bar,
 * horizontal (class 0), vertical (class 1) or diagonal (class 2), at a random place, over noise.
 */
final class Shapes {
    static final List<String> NAMES = List.of("horizontal", "vertical", "diagonal");

    private Shapes() {}

    static Dataset of(String name, int count, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[count * 144];
        int[] labels = new int[count];
        for (int n = 0; n < count; n++) {
            int label = random.nextInt(3);
            labels[n] = label;
            for (int p = 0; p < 144; p++) {
                pixels[n * 144 + p] = (byte) random.nextInt(60);
            }
            int at = 2 + random.nextInt(8);
            for (int k = 1; k < 11; k++) {
                int y = label == 0 ? at : k, x = label == 1 ? at : k;
                pixels[n * 144 + y * 12 + x] = (byte) 230;
            }
        }
        return Dataset.ofPixels(name, pixels, labels, 1, 12, 12, 3);
    }
}
