package dev.kiln.networks;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Init;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Padding;

/**
 * The TensorFlow 1 tutorial with analysis plots (seed network 4, "tf-16-36"): 5x5 SAME
 * convolutions of 16 and 36 filters, each pooled 2x2 SAME, then 128 hidden units and 10 logits;
 * 242,062 parameters. Weights truncated normal stddev 0.05, biases 0.05; Adam 1e-4, batch 64.
 *
 * <p>The tutorial applies conv, then max pool, then ReLU. Here each conv carries the ReLU and the
 * pool follows: max and ReLU commute (ReLU is monotonic, so max(relu(a), relu(b)) =
 * relu(max(a, b))), so the outputs are the same.
 */
@Network(input = {1, 28, 28})
class Tf1636 {
    @Conv(filters = 16, kernel = 5, mode = Padding.SAME, activation = Activation.RELU,
            init = Init.TRUNCATED_NORMAL, stddev = 0.05, bias = 0.05)
    Layer conv1;

    @MaxPool(size = 2, mode = Padding.SAME)
    Layer pool1;

    @Conv(filters = 36, kernel = 5, mode = Padding.SAME, activation = Activation.RELU,
            init = Init.TRUNCATED_NORMAL, stddev = 0.05, bias = 0.05)
    Layer conv2;

    @MaxPool(size = 2, mode = Padding.SAME)
    Layer pool2;

    @Dense(units = 128, activation = Activation.RELU, init = Init.TRUNCATED_NORMAL, stddev = 0.05, bias = 0.05)
    Layer fc1;

    @Dense(units = 10, init = Init.TRUNCATED_NORMAL, stddev = 0.05, bias = 0.05)
    Layer logits;
}
