package dev.kiln.it.parity;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.AvgPool;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.Network;

/** Parity architecture: a strided convolution with explicit padding, average pooling, tanh and sigmoid. */
@Network(input = {3, 12, 12})
class ParityStrided {
    @Conv(filters = 8, kernel = 4, stride = 2, padding = 1, activation = Activation.TANH)
    Layer conv1;                          // 8 x 6 x 6

    @AvgPool(size = 2)
    Layer pool1;                          // 8 x 3 x 3

    @Dense(units = 16, activation = Activation.SIGMOID)
    Layer fc1;

    @Dense(units = 5)
    Layer logits;
}
