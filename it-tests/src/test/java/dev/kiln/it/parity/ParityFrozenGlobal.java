package dev.kiln.it.parity;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.GlobalAvgPool;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Padding;

/** Parity architecture: a frozen first convolution, a non-square kernel, global average pooling. */
@Network(input = {2, 10, 10})
class ParityFrozenGlobal {
    @Conv(filters = 6, kernel = 3, padding = 1, activation = Activation.RELU, trainable = false)
    Layer conv1;                          // 6 x 10 x 10, never updated

    @MaxPool(size = 2)
    Layer pool1;                          // 6 x 5 x 5

    @Conv(filters = 12, kernelHeight = 3, kernelWidth = 2, mode = Padding.VALID, activation = Activation.RELU)
    Layer conv2;                          // 12 x 3 x 4

    @GlobalAvgPool
    Layer gap;                            // 12

    @Dense(units = 4)
    Layer logits;
}
