package dev.kiln.runtime.model;

import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.kernels.ScalarKernels;

/**
 * Inverted dropout whose mask is a pure function of (seed, step, example index in the batch,
 * position in the example's internal NHWC layout): a counter-based hash rather than a random
 * stream, so the mask does not depend on how the batch is split among threads, and a checkpoint
 * needs only the seed and the step to continue exactly.
 */
public final class DropoutMask {
    /**
     * Whether {@link #forward} runs on the Vector API: where the kernels do (the module is loaded and
     * not turned off; no class links against the incubator API on the scalar path) and vectors are
     * wide enough for it to pay. In a class of its own so that {@link #keeps} alone chooses no kernels.
     */
    private static final class Simd {
        static final boolean ON = !(KernelProvider.get() instanceof ScalarKernels) && VectorDropoutMask.pays();
    }

    /** {@link #mix}'s two multipliers (SplitMix64's). */
    static final long MIX_FIRST = 0xBF58476D1CE4E5B9L, MIX_SECOND = 0x94D049BB133111EBL;

    /** What each position adds to its example's key before the mix: the hash's odd increment. */
    static final long POSITION_STEP = 0x165667B19E3779F9L;

    private DropoutMask() {}

    /** Whether the value at {@code position} of example {@code example} survives at this step. */
    public static boolean keeps(long seed, long step, int example, int position, float rate) {
        return draw(exampleKey(seed, step, example), position) >= threshold(rate);
    }

    /**
     * Training forward over {@code rows} consecutive examples of {@code size} values, read from
     * {@code x} at {@code xOff} and written from offset 0: mask = 1 / (1 - rate) for survivors and
     * 0 otherwise, y = x * mask. Example {@code r} is example {@code firstExample + r} of the batch.
     */
    public static void forward(float rate, long seed, long step, int firstExample, int rows, int size,
                               float[] x, int xOff, float[] y, float[] mask) {
        if (Simd.ON) {
            VectorDropoutMask.forward(rate, seed, step, firstExample, rows, size, x, xOff, y, mask);
        } else {
            forwardScalar(rate, seed, step, firstExample, rows, size, x, xOff, y, mask);
        }
    }

    /** {@link #forward} one value at a time: the reference of {@link VectorDropoutMask}, and the path without the Vector API. */
    static void forwardScalar(float rate, long seed, long step, int firstExample, int rows, int size,
                              float[] x, int xOff, float[] y, float[] mask) {
        int scaleBits = Float.floatToRawIntBits(1f / (1f - rate));
        long threshold = threshold(rate);
        for (int r = 0; r < rows; r++) {
            forwardPositions(exampleKey(seed, step, firstExample + r), threshold, scaleBits, 0, size,
                    x, xOff + r * size, y, mask, r * size);
        }
    }

    /**
     * Positions [from, to) of one example, whose key is {@code key}: its values from x at xAt,
     * its mask and outputs to mask and y at at. The whole of {@link #forwardScalar}'s example, and
     * the tail past {@link VectorDropoutMask}'s whole vectors.
     */
    static void forwardPositions(long key, long threshold, int scaleBits, int from, int to,
                                 float[] x, int xAt, float[] y, float[] mask, int at) {
        for (int p = from; p < to; p++) {
            // Without a branch: half the values are dropped, in no pattern a predictor could learn.
            int keep = (int) ((draw(key, p) - threshold) >>> 63) - 1;    // -1 (all ones) when kept, else 0
            float m = Float.intBitsToFloat(scaleBits & keep);
            mask[at + p] = m;
            y[at + p] = x[xAt + p] * m;
        }
    }

    /**
     * The least 24-bit draw that survives. A value is kept when its draw, read as the uniform
     * float bits * 2^-24 in [0, 1), is at least the rate: exactly when bits >= threshold, since
     * bits * 2^-24 and rate * 2^24 are both exact.
     */
    static long threshold(float rate) {
        return (long) Math.ceil(rate * 0x1p24);
    }

    /** dx = dy * mask over the first {@code length} values. */
    public static void backward(int length, float[] dy, float[] mask, float[] dx) {
        for (int i = 0; i < length; i++) {
            dx[i] = dy[i] * mask[i];
        }
    }

    static long exampleKey(long seed, long step, int example) {
        return mix(mix(seed + 0x9E3779B97F4A7C15L * (step + 1)) + 0xC2B2AE3D27D4EB4FL * (example + 1L));
    }

    /** The 24 random bits of a position, as an integer in [0, 2^24). */
    static long draw(long key, int position) {
        return mix(key + POSITION_STEP * (position + 1L)) >>> 40;
    }

    /** SplitMix64's finalizer: a bijective mix in which every input bit affects every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * MIX_FIRST;
        z = (z ^ (z >>> 27)) * MIX_SECOND;
        return z ^ (z >>> 31);
    }
}
