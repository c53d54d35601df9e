package dev.kiln.runtime.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The bookkeeping of a model's packed weights: which are stale (their weight's version moved
 * since they were packed), packing a share of the stale ones, and recording that all are current.
 * The forms only predictions read are kept apart: a training step leaves them stale, and the
 * first prediction after it packs them ({@link WeightGuard#beginRead(boolean)}).
 *
 * <p>Not synchronized itself: the model packs only while it holds its weights exclusively
 * ({@link WeightGuard}), so no prediction reads a buffer while it is being rewritten.
 */
final class PackedWeights {
    private final PackedWeight[] packed;

    PackedWeights(PackedWeight... packed) {
        this.packed = packed.clone();
    }

    /**
     * Whether any packed weight lags behind its weight: the forms training reads, and with
     * {@code forPrediction} also those only predictions read ({@link PackedWeight#inferenceStale}).
     */
    boolean anyStale(boolean forPrediction) {
        for (PackedWeight weight : packed) {
            if (weight.stale() || forPrediction && weight.inferenceStale()) {
                return true;
            }
        }
        return false;
    }

    /** Packs every stale form that only predictions read, on this thread. */
    void packStaleForPrediction() {
        for (PackedWeight weight : packed) {
            if (weight.inferenceStale()) {
                weight.packInference();
            }
        }
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
     * As {@link #packStale}, but leaves out the copies the optimizer's update packed by rows as it
     * wrote them ({@link #packedByRows}).
     */
    void packStaleNotPackedByRows(int part, int parts) {
        for (PackedWeight weight : packed) {
            if (weight.stale() && packedByRows(weight.weight()) != weight) {
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

    /**
     * The packed copy of {@code weight} that the optimizer's update packs by rows as it writes
     * them: a dense layer's, when the weight is trained. Otherwise null.
     */
    PackedWeight.Dense packedByRows(Parameter weight) {
        if (!weight.trainable()) {
            return null;
        }
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
