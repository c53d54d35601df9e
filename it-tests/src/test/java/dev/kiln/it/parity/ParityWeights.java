package dev.kiln.it.parity;

/**
 * The initial weights the parity fixtures start from, computed here exactly as
 * make_parity_fixtures.py computes them: element {@code i} of parameter number {@code t} is
 * {@code (2u - 1) * bound} in float32, {@code u} the top 24 bits of a SplitMix64 hash of the seed,
 * {@code t} and {@code i} (the counter-based hash of Kiln's dropout masks). Both sides get the
 * same bits, so the fixtures need not store millions of weights.
 */
final class ParityWeights {
    private ParityWeights() {
    }

    static float[] generate(long seed, int parameterIndex, int count, float bound) {
        long key = mix(seed + 0x9E3779B97F4A7C15L * (parameterIndex + 1));
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            float u = (mix(key + 0x165667B19E3779F9L * (i + 1L)) >>> 40) * 0x1p-24f;
            values[i] = (2f * u - 1f) * bound;
        }
        return values;
    }

    /** SplitMix64's finalizer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
