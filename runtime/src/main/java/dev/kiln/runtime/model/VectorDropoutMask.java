package dev.kiln.runtime.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DropoutMask#forward} a vector of positions at a time: the same 64-bit hash per position,
 * in lanes of longs, so the masks are the scalar ones bit for bit. Scalar, the hash (two 64-bit
 * multiplications per value) was 3.5% of lenet-like's training step, whose four dropouts draw 12,000
 * values per example. In a probe (32 examples of 6,272 values) this ran 3-7 times faster than the
 * scalar loop on 512-bit vectors and 1.6-1.8 times on AVX2. Loaded only when the Vector API kernels
 * are (see {@link DropoutMask}).
 *
 * <p>Every vector has the kernels' full width: a vector of floats takes two of longs, whose kept
 * bits are narrowed into its two halves. With half-width floats, C2 sometimes compiled their
 * operations as calls to the Java fallback, which allocated on every call (in some JVMs, not in others).
 */
final class VectorDropoutMask {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    /** Positions per vector of floats; each half is one vector of longs. */
    private static final int LANES = FLOATS.length(), HALF = LONGS.length();
    /**
     * What lane i of a vector of longs adds to its example's key besides the position of its first
     * lane: POSITION_STEP * (i + 1), so lane i hashes that position + i as the scalar sum does.
     */
    private static final long[] FIRST_POSITIONS = new long[HALF];

    static {
        for (int i = 0; i < HALF; i++) {
            FIRST_POSITIONS[i] = DropoutMask.POSITION_STEP * (i + 1);
        }
    }

    private VectorDropoutMask() {
    }

    /**
     * Whether vectors hold 8 floats or more (256 bits). With 128-bit vectors (2 longs) this class
     * ran 30 to 200 times slower than the scalar loop (a probe with -XX:MaxVectorSize=16).
     */
    static boolean pays() {
        return LANES >= 8;
    }

    /** As {@link DropoutMask#forward}. */
    static void forward(float rate, long seed, long step, int firstExample, int rows, int size,
                        float[] x, int xOff, float[] y, float[] mask) {
        int scaleBits = Float.floatToRawIntBits(1f / (1f - rate));
        long threshold = DropoutMask.threshold(rate);
        int whole = size - size % LANES;
        for (int r = 0; r < rows; r++) {
            int base = r * size;
            long key = DropoutMask.exampleKey(seed, step, firstExample + r);
            for (int p = 0; p < whole; p += LANES) {
                IntVector low = keptBits(key + DropoutMask.POSITION_STEP * p, threshold, scaleBits, 0);
                IntVector high = keptBits(key + DropoutMask.POSITION_STEP * (p + HALF), threshold, scaleBits, -1);
                FloatVector m = low.or(high).reinterpretAsFloats();
                m.intoArray(mask, base + p);
                FloatVector.fromArray(FLOATS, x, xOff + base + p).mul(m).intoArray(y, base + p);
            }
            DropoutMask.forwardPositions(key, threshold, scaleBits, whole, size, x, xOff + base, y, mask, base);
        }
    }

    /**
     * For the HALF positions whose hash inputs start at {@code start} (+ FIRST_POSITIONS): the
     * scale's bits where the position is kept, else 0, narrowed to ints in the low half of a full
     * vector (part 0) or the high half (part -1), the other half zero. The compiler directives
     * inline it into {@link #forward}: called, it would box the vectors it returns.
     */
    private static IntVector keptBits(long start, long threshold, int scaleBits, int part) {
        LongVector z = LongVector.fromArray(LONGS, FIRST_POSITIONS, 0).add(start);
        // DropoutMask.mix in every lane.
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(DropoutMask.MIX_FIRST);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(DropoutMask.MIX_SECOND);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
        VectorMask<Long> keep = z.lanewise(VectorOperators.LSHR, 40).compare(VectorOperators.GE, threshold);
        LongVector bits = LongVector.zero(LONGS).blend(LongVector.broadcast(LONGS, scaleBits), keep);
        return (IntVector) bits.convertShape(VectorOperators.L2I, INTS, part);
    }
}
