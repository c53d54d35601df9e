package dev.kiln.networks;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Dropout;
import dev.kiln.dsl.Init;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Padding;

/**
 * The book chapter's "LeNet-5 step by step" network (seed network 5, "lenet-like"): three 3x3
 * SAME convolutions (32, 64, 128) each with 2x2 SAME max pooling (28, 14, 7, then 4) and dropout
 * keep 0.8 (rate 0.2), then 625 hidden units with keep 0.5, and 10 logits; 1,379,557 parameters.
 * Weights random normal stddev 0.01 (biases zero); RMSProp 0.001 with decay 0.9, batch 128.
 */
@Network(input = {1, 28, 28})
class LenetLike {
    @Conv(filters = 32, kernel = 3, mode = Padding.SAME, activation = Activation.RELU, init = Init.NORMAL, stddev = 0.01)
    Layer conv1;

    @MaxPool(size = 2, mode = Padding.SAME)
    Layer pool1;

    @Dropout(0.2)
    Layer drop1;

    @Conv(filters = 64, kernel = 3, mode = Padding.SAME, activation = Activation.RELU, init = Init.NORMAL, stddev = 0.01)
    Layer conv2;

    @MaxPool(size = 2, mode = Padding.SAME)
    Layer pool2;

    @Dropout(0.2)
    Layer drop2;

    @Conv(filters = 128, kernel = 3, mode = Padding.SAME, activation = Activation.RELU, init = Init.NORMAL, stddev = 0.01)
    Layer conv3;

    @MaxPool(size = 2, mode = Padding.SAME)
    Layer pool3;

    @Dropout(0.2)
    Layer drop3;

    @Dense(units = 625, activation = Activation.RELU, init = Init.NORMAL, stddev = 0.01)
    Layer fc1;

    @Dropout(0.5)
    Layer drop4;

    @Dense(units = 10, init = Init.NORMAL, stddev = 0.01)
    Layer logits;
}
