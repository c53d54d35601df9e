package dev.kiln.it.finetune;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Padding;

/**
 * Three small networks that share their first layers by name and shape: the one trained first, the
 * same with every layer but the last frozen, and a frozen one whose last layer has another class
 * count. The generated models are QuadrantNetModel, FrozenQuadrantNetModel and HalvesNetModel.
 */
final class FineTuneNetworks {
    private FineTuneNetworks() {}

    /** Four classes: which quarter of an 8x8 image is bright. */
    @Network(input = {1, 8, 8})
    static class QuadrantNet {
        @Conv(filters = 4, kernel = 3, mode = Padding.SAME, activation = Activation.RELU)
        Layer conv1;

        @MaxPool(size = 2)
        Layer pool1;

        @Dense(units = 16, activation = Activation.RELU)
        Layer fc1;

        @Dense(units = 4)
        Layer logits;
    }

    /** QuadrantNet with all but its last layer frozen: fine-tuning the classifier only. */
    @Network(input = {1, 8, 8})
    static class FrozenQuadrantNet {
        @Conv(filters = 4, kernel = 3, mode = Padding.SAME, activation = Activation.RELU, trainable = false)
        Layer conv1;

        @MaxPool(size = 2)
        Layer pool1;

        @Dense(units = 16, activation = Activation.RELU, trainable = false)
        Layer fc1;

        @Dense(units = 4)
        Layer logits;
    }

    /** QuadrantNet's frozen layers with a new last layer of two classes: which half is bright. */
    @Network(input = {1, 8, 8})
    static class HalvesNet {
        @Conv(filters = 4, kernel = 3, mode = Padding.SAME, activation = Activation.RELU, trainable = false)
        Layer conv1;

        @MaxPool(size = 2)
        Layer pool1;

        @Dense(units = 16, activation = Activation.RELU, trainable = false)
        Layer fc1;

        @Dense(units = 2)
        Layer logits;
    }
}
