package dev.kiln.runtime.optim;

/**
 * Stores a step count in {@link Optimizer#state()}, whose values are floats. A float holds every
 * integer up to 2^24 exactly, so the long is split into four 16-bit pieces, one per float: the
 * round trip is exact for every long, and survives any copy of the floats (no NaN bit patterns).
 */
final class StepCounter {
    static final String KEY = "step";
    private static final int PIECES = 4;

    private StepCounter() {
    }

    static float[] encode(long step) {
        float[] pieces = new float[PIECES];
        for (int i = 0; i < PIECES; i++) {
            pieces[i] = (float) ((step >>> (16 * i)) & 0xFFFF);
        }
        return pieces;
    }

    static long decode(float[] pieces) {
        if (pieces == null || pieces.length != PIECES) {
            throw new IllegalArgumentException("optimizer state entry '" + KEY + "' must hold " + PIECES + " values, got "
                    + (pieces == null ? "none" : pieces.length));
        }
        long step = 0;
        for (int i = 0; i < PIECES; i++) {
            float piece = pieces[i];
            if (piece < 0 || piece > 0xFFFF || piece != Math.rint(piece)) {
                throw new IllegalArgumentException("optimizer state entry '" + KEY + "' holds " + piece
                        + " at " + i + ", not a 16-bit piece of a step count");
            }
            step |= ((long) piece) << (16 * i);
        }
        return step;
    }
}
