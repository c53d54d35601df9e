package dev.kiln.runtime.testing;

import dev.kiln.runtime.data.Dataset;
import java.util.SplittableRandom;

/** Small generated data sets of 1x1x2 "images": one class left of the origin, one right, with noise. */
public final class TwoBlobs {
    private TwoBlobs() {}

    /** {@code size} examples, label i % 2, drawn from {@code seed}; {@code flipped} swaps the labels. */
    public static Dataset of(String name, int size, long seed, boolean flipped) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[2 * size];
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            int label = i % 2;
            values[2 * i] = (label == 0 ? -1f : 1f) + (float) (0.5 * random.nextGaussian());
            values[2 * i + 1] = (float) random.nextGaussian();
            labels[i] = flipped ? 1 - label : label;
        }
        return Dataset.ofFloats(name, values, labels, 1, 1, 2, 2);
    }
}
