package dev.kiln.networks;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Dropout;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool;
import dev.kiln.dsl.Network;

/**
 * AlexNet (seed network 8) on 227x227 RGB as the book chapter fine-tunes it: five convolutions
 * (11x11 stride 4, 96; 5x5 padding 2, 256; 3x3 padding 1, 384, 384, 256), 3x3 stride-2
 * overlapping max pools (55, 27, 13 down to 27, 13, 6), 4096 and 4096 units with dropout 0.5,
 * and a last layer of 2 classes (dogs and cats) instead of ImageNet's 1000. As in the chapter,
 * every layer but the last is frozen ({@code trainable = false}); only the 8,194 parameters of
 * the last layer train. Single-tower (no channel groups, no local response normalization), so
 * the counts are those of the common one-GPU version: 58,289,538 parameters in all.
 */
@Network(input = {3, 227, 227})
class AlexNet {
    @Conv(filters = 96, kernel = 11, stride = 4, activation = Activation.RELU, trainable = false)
    Layer conv1;

    @MaxPool(size = 3, stride = 2)
    Layer pool1;

    @Conv(filters = 256, kernel = 5, padding = 2, activation = Activation.RELU, trainable = false)
    Layer conv2;

    @MaxPool(size = 3, stride = 2)
    Layer pool2;

    @Conv(filters = 384, kernel = 3, padding = 1, activation = Activation.RELU, trainable = false)
    Layer conv3;

    @Conv(filters = 384, kernel = 3, padding = 1, activation = Activation.RELU, trainable = false)
    Layer conv4;

    @Conv(filters = 256, kernel = 3, padding = 1, activation = Activation.RELU, trainable = false)
    Layer conv5;

    @MaxPool(size = 3, stride = 2)
    Layer pool5;

    @Dense(units = 4096, activation = Activation.RELU, trainable = false)
    Layer fc6;

    @Dropout(0.5)
    Layer drop6;

    @Dense(units = 4096, activation = Activation.RELU, trainable = false)
    Layer fc7;

    @Dropout(0.5)
    Layer drop7;

    @Dense(units = 2)
    Layer fc8;
}
