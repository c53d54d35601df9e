package dev.kiln.networks;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Padding;

/**
 * The Keras "simple MNIST convnet" (seed network 2, "keras-mnist"): two 3x3 VALID convolutions
 * with 2x2 max pooling and a 10-way dense layer, 34,826 parameters. Keras trained it with Adam,
 * batch 128, 15 epochs (test accuracy 0.9893). Keras's dropout 0.5 before the dense layer is not
 * in the seed's description, so it is not here.
 *
 * <p>The second pool sees 11x11 and keeps 5x5, as Keras's VALID pooling does: the last row and
 * column are dropped on purpose, so that warning is suppressed.
 */
@Network(input = {1, 28, 28})
class KerasMnist {
    @Conv(filters = 32, kernel = 3, mode = Padding.VALID, activation = Activation.RELU)
    Layer conv1;

    @MaxPool(size = 2)
    Layer pool1;

    @Conv(filters = 64, kernel = 3, mode = Padding.VALID, activation = Activation.RELU)
    Layer conv2;

    @SuppressWarnings("kiln-floor")
    @MaxPool(size = 2)
    Layer pool2;

    @Dense(units = 10)
    Layer logits;
}
