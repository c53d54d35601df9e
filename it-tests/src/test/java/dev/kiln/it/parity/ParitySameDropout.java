package dev.kiln.it.parity;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.AvgPool;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Dropout;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Padding;

/**
 * Parity architecture: SAME padding with a stride on an odd input (the odd pixel at the bottom and
 * right), SAME average pooling (padding not counted), dropout after a pool, an L2 factor and a
 * frozen dense layer between trainable ones.
 */
@Network(input = {1, 9, 9})
class ParitySameDropout {
    @Conv(filters = 4, kernel = 4, stride = 2, mode = Padding.SAME, activation = Activation.RELU)
    Layer conv1;                          // 4 x 5 x 5

    @AvgPool(size = 2, mode = Padding.SAME)
    Layer pool1;                          // 4 x 3 x 3

    @Dropout(0.3)
    Layer drop1;

    @Dense(units = 10, activation = Activation.TANH, l2 = 0.01)
    Layer fc1;

    @Dense(units = 6, activation = Activation.RELU, trainable = false)
    Layer fc2;

    @Dense(units = 3)
    Layer logits;
}
