package dev.kiln.runtime.model;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * As {@link #packStale}, but leaves out the dense copies of trainable weights: the optimizer's
     * update packed those by rows as it wrote them ({@link #packedByRows}).
     */
    void packStaleNotPackedByRows(int part, int parts) {
        for (PackedWeight weight : packed) {
            if (weight.stale() && !(weight instanceof PackedWeight.Dense && weight.weight().trainable())) {
                weight.pack(part, parts);
            }
        }
    }

    /** The packed copies of dense layers' weights. */
    List<PackedWeight.Dense> denseCopies() {
        List<PackedWeight.Dense> dense = new ArrayList<>();
        for (PackedWeight copy : packed) {
            if (copy instanceof PackedWeight.Dense d) {
                dense.add(d);
            }
        }
        return dense;
    }

    /** The dense packed copy of {@code weight}, which can be packed by rows as it is updated, or null. */
    PackedWeight.Dense packedByRows(Parameter weight) {
        for (PackedWeight copy : packed) {
            if (copy.weight() == weight && copy instanceof PackedWeight.Dense dense) {
                return dense;
            }
        }
        return null;
    }

    /** After every share of every stale packed weight was packed: they are current now. */
    void markPacked() {
        for (PackedWeight weight : packed) {
            weight.markPacked();
        }
    }
}
