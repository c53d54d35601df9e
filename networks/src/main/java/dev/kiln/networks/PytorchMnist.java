package dev.kiln.networks;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool;
import dev.kiln.dsl.Network;

/**
 * The PyTorch Sequential MNIST example (seed network 3, "pytorch-mnist"): a 3x3 and a 2x2
 * convolution without padding, each with ReLU and 2x2 max pooling, then one linear layer to 10
 * logits; 31,626 parameters. PyTorch trained it with Adam (defaults), batch 64, 20 epochs, on
 * inputs normalized with mean 0.5 and std 0.5. Initializers are Kiln's defaults (He for ReLU).
 */
@Network(input = {1, 28, 28})
class PytorchMnist {
    @Conv(filters = 32, kernel = 3, activation = Activation.RELU)
    Layer conv1;

    @MaxPool(size = 2)
    Layer pool1;

    @Conv(filters = 64, kernel = 2, activation = Activation.RELU)
    Layer conv2;

    @MaxPool(size = 2)
    Layer pool2;

    @Dense(units = 10)
    Layer logits;
}
