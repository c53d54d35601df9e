package dev.kiln.reports;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Padding;

/** One gray input channel, a 3x3 SAME ReLU convolution of 4 filters, a pool and 3 classes. */
@Network(input = {1, 12, 12})
class TinyConv {
    @Conv(filters = 4, kernel = 3, mode = Padding.SAME, activation = Activation.RELU)
    Layer conv1;

    @MaxPool(size = 2)
    Layer pool1;

    @Dense(units = 3)
    Layer logits;
}
