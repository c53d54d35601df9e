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
 * The TensorFlow MNIST tutorial's network (seed network 1, "tf-mnist"): two 5x5 SAME convolutions
 * with 2x2 max pooling, 1024 hidden units with dropout 0.5, 10 logits. 3,274,634 parameters.
 *
 * <p>Initialization follows the TF2 low-level example: random normal weights with
 * {@code tf.initializers.RandomNormal()}'s default stddev 0.05, and zero biases. (The TF1 tutorial
 * used truncated normal stddev 0.1 with biases 0.1.) Trained there with Adam 1e-3, batch 128.
 */
@Network(input = {1, 28, 28})
class TfMnist {
    @Conv(filters = 32, kernel = 5, mode = Padding.SAME, activation = Activation.RELU,
            init = Init.NORMAL, stddev = 0.05)
    Layer conv1;

    @MaxPool(size = 2)
    Layer pool1;

    @Conv(filters = 64, kernel = 5, mode = Padding.SAME, activation = Activation.RELU,
            init = Init.NORMAL, stddev = 0.05)
    Layer conv2;

    @MaxPool(size = 2)
    Layer pool2;

    @Dense(units = 1024, activation = Activation.RELU, init = Init.NORMAL, stddev = 0.05)
    Layer fc1;

    @Dropout(0.5)
    Layer dropout;

    @Dense(units = 10, init = Init.NORMAL, stddev = 0.05)
    Layer logits;
}
