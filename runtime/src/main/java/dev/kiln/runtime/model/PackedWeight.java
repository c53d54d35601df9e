package dev.kiln.runtime.model;

import dev.kiln.runtime.kernels.ConvGeometry;
import dev.kiln.runtime.kernels.Kernels;

/**
 * A layer's weight rearranged once per change by the kernels that use it ({@link
 * Kernels#packDenseWeights}, {@link Kernels#packConvWeights}), instead of on every call. The
 * model owns one per layer that benefits, shares it between its threads (kernels only read it),
 * and keeps it in step with the weight: the model repacks after each optimizer update and whenever
 * the weight's {@link Parameter#version()} moved (a checkpoint load, an initializer, any {@link
 * Parameter#markChanged()}), always before a reader can see the new weight ({@link WeightGuard}).
 *
 * <p>Packing only moves values, so who packs which share cannot change a result.
 */
public abstract sealed class PackedWeight {
    /** The version {@link #packedVersion} holds when the buffer has never been filled. */
    private static final long NEVER = Long.MIN_VALUE;

    final Kernels kernels;
    final Parameter weight;
    private final float[] packed;
    /** The weight's version the buffer was packed from; written only while the model holds its weights alone ({@link WeightGuard}). */
    private long packedVersion = NEVER;

    private PackedWeight(Kernels kernels, Parameter weight, int size) {
        this.kernels = kernels;
        this.weight = weight;
        this.packed = new float[size];
    }

    /** For a dense layer's weight w[in][out] (internal layout); pack with the kernels that will run. */
    public static PackedWeight dense(Kernels kernels, Parameter weight, int in, int out) {
        return new Dense(kernels, weight, in, out);
    }

    /** For a convolution's weight, used by its forward and input gradient, and by predictions. */
    public static PackedWeight.Conv conv(Kernels kernels, Parameter weight, ConvGeometry geometry) {
        return new Conv(kernels, weight, geometry);
    }

    /** The packed values, for the kernels' packed methods; read-only. */
    public final float[] values() {
        return packed;
    }

    /** The weight this was packed from. */
    public final Parameter weight() {
        return weight;
    }

    /** Whether the weight changed (by its version) since the last {@link #markPacked()}. */
    final boolean stale() {
        return packedVersion != weight.version();
    }

    /** Records that every share was packed from the weight's current values. */
    final void markPacked() {
        packedVersion = weight.version();
    }

    /**
     * Packs share {@code part} of {@code parts}; the shares write disjoint parts of the buffer, so
     * they may run concurrently, and all of them together fill it.
     */
    abstract void pack(int part, int parts);

    /** A dense layer's w[in][out]: it can also be packed by rows, as the optimizer writes them ({@link #packRows}). */
    static final class Dense extends PackedWeight {
        private final int in;
        private final int out;

        Dense(Kernels kernels, Parameter weight, int in, int out) {
            super(kernels, weight, kernels.packedDenseSize(in, out));
            this.in = in;
            this.out = out;
        }

        @Override
        void pack(int part, int parts) {
            kernels.packDenseWeights(in, out, weight.value(), values(), part, parts);
        }

        /** Rows of w, one per input. */
        int rows() {
            return in;
        }

        /** Values per row of w, one per output. */
        int columns() {
            return out;
        }

        /** Packs rows [from, to) of w; packing every row, in any pieces, equals {@link #pack}. */
        void packRows(int from, int to) {
            kernels.packDenseRows(in, out, weight.value(), values(), from, to);
        }
    }

    /** Whether a prediction's own packed form lags behind the weight; only convolutions have one. */
    boolean inferenceStale() {
        return false;
    }

    /** Packs the prediction's own form, whole, and records it current; only convolutions have one. */
    void packInference() {
    }

    /**
     * A convolution's weight, and the second form the kernels may want for predictions ({@link
     * Kernels#convInferencePacked}). That one is packed only when a prediction finds it stale, so
     * a training step's repacking does not pay for it.
     */
    public static final class Conv extends PackedWeight {
        private final ConvGeometry geometry;
        private final float[] inference;
        private final int inferenceExamples;
        /** The weight's version {@link #inference} was packed from; written only under the model's exclusive hold. */
        private long inferenceVersion = NEVER;

        Conv(Kernels kernels, Parameter weight, ConvGeometry geometry) {
            super(kernels, weight, kernels.packedConvSize(geometry));
            this.geometry = geometry;
            this.inference = new float[kernels.packedConvInferenceSize(geometry)];
            // Kept within the places a generated workspace has for a group's outputs (Kernels' bound).
            this.inferenceExamples = Math.clamp(kernels.convInferenceExamples(geometry), 1, Kernels.MOST_INFERENCE_EXAMPLES);
        }

        /** The prediction's packed form (empty where the kernels have none); read-only. */
        public float[] inferenceValues() {
            return inference;
        }

        /**
         * How many examples a prediction hands {@link Kernels#convInferencePacked} at once ({@link
         * Kernels#convInferenceExamples}): fixed by the kernels and the geometry, so asked once
         * here rather than on every prediction.
         */
        public int inferenceExamples() {
            return inferenceExamples;
        }

        @Override
        boolean inferenceStale() {
            return inference.length > 0 && inferenceVersion != weight.version();
        }

        @Override
        void packInference() {
            kernels.packConvInferenceWeights(geometry, weight.value(), inference);
            inferenceVersion = weight.version();
        }

        /** The kernels spread the pieces of a convolution's packing among the shares ({@link Kernels#packConvWeights(ConvGeometry, float[], float[], int, int)}). */
        @Override
        void pack(int part, int parts) {
            kernels.packConvWeights(geometry, weight.value(), values(), part, parts);
        }
    }
}
