package dev.kiln.runtime.model;

/**
 * The bookkeeping of a model's packed weights: which are stale (their weight's version moved
 * since they were packed), packing a share of the stale ones, and recording that all are current.
 *
 * <p>Not synchronized itself: the model packs only while it holds its weights exclusively
 * ({@link WeightGuard}), so no prediction reads a buffer while it is being rewritten.
 */
final class PackedWeights {
    private final PackedWeight[] packed;

    PackedWeights(PackedWeight... packed) {
        this.packed = packed.clone();
    }

    /** Whether any packed weight lags behind its weight. */
    boolean anyStale() {
        for (PackedWeight weight : packed) {
            if (weight.stale()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Packs share {@code part} of {@code parts} of every stale packed weight; the shares write
     * disjoint parts, so they may run on different threads at once.
     */
    void packStale(int part, int parts) {
        for (PackedWeight weight : packed) {
            if (weight.stale()) {
                weight.pack(part, parts);
            }
        }
    }

    /** After every share of every stale packed weight was packed: they are current now. */
    void markPacked() {
        for (PackedWeight weight : packed) {
            weight.markPacked();
        }
    }
}
