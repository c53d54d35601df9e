package dev.kiln.it.parity;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.AvgPool;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool;
import dev.kiln.dsl.Network;

/** Parity architecture: padding wider than the kernel's half, overlapping max and average pools with explicit padding. */
@Network(input = {2, 11, 11})
class ParityPaddedPools {
    @Conv(filters = 5, kernel = 3, padding = 2, activation = Activation.SIGMOID)
    Layer conv1;                          // 5 x 13 x 13

    @MaxPool(size = 3, stride = 2, padding = 1)
    Layer pool1;                          // 5 x 7 x 7

    @AvgPool(size = 3, stride = 2, padding = 1)
    Layer pool2;                          // 5 x 4 x 4

    @Dense(units = 7)
    Layer logits;
}
