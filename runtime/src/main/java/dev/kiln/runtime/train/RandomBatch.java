package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Model;
import java.util.SplittableRandom;

/**
 * Random images (uniform in [0, 1), like loaded pixels) with random labels: what the speed
 * measurements train on, since a step's time does not depend on the values, and what
 * {@link KernelWarmUp} compiles the kernels on.
 */
public record RandomBatch(float[] images, int[] labels) {

    /** {@code count} images for {@code model}, then their labels, from a generator seeded with {@code seed}. */
    public static RandomBatch of(Model model, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] images = images(random, count * model.inputSize());
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = random.nextInt(model.classes());
        }
        return new RandomBatch(images, labels);
    }

    /** {@code size} values uniform in [0, 1). */
    public static float[] images(SplittableRandom random, int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextDouble();
        }
        return values;
    }
}
