package dev.kiln.runtime.model;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Weight initialisations. Each layer draws from its own generator derived from (seed, layer
 * index), so a layer's initial values do not change when another layer is added or resized.
 * Values are drawn in PyTorch order, so they do not depend on the internal layout either.
 */
public final class Initializers {
    private Initializers() {}

    /** The generator of layer {@code layer} (its index in declaration order) under {@code seed}. */
    public static RandomGenerator random(long seed, int layer) {
        return new SplittableRandom(DropoutMask.mix(seed ^ DropoutMask.mix(0x5DEECE66DL + layer)));
    }

    /** He normal: N(0, 2 / fanIn). */
    public static void heNormal(Parameter p, int fanIn, RandomGenerator random) {
        normal(p, Math.sqrt(2.0 / fanIn), random);
    }

    /** Glorot uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)). */
    public static void glorotUniform(Parameter p, int fanIn, int fanOut, RandomGenerator random) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] values = new float[p.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
        p.fromPytorch(values);
    }

    /** N(0, stddev^2). */
    public static void normal(Parameter p, double stddev, RandomGenerator random) {
        float[] values = new float[p.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * stddev);
        }
        p.fromPytorch(values);
    }

    /** N(0, stddev^2) with draws beyond two standard deviations redrawn, as TensorFlow's truncated_normal. */
    public static void truncatedNormal(Parameter p, double stddev, RandomGenerator random) {
        float[] values = new float[p.size()];
        for (int i = 0; i < values.length; i++) {
            double g;
            do {
                g = random.nextGaussian();
            } while (Math.abs(g) > 2.0);
            values[i] = (float) (g * stddev);
        }
        p.fromPytorch(values);
    }

    /** Every value set to {@code value} (biases). */
    public static void constant(Parameter p, double value) {
        java.util.Arrays.fill(p.value(), (float) value);
    }
}
