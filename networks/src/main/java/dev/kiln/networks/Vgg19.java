package dev.kiln.networks;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Dropout;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool;
import dev.kiln.dsl.Network;

/**
 * VGG-19 (seed network 8; Simonyan and Zisserman, configuration E) on 224x224 RGB: sixteen 3x3
 * convolutions with padding 1 (64, 64 | 128, 128 | 256 x4 | 512 x4 | 512 x4), a 2x2 max pool
 * after each group (224 down to 7), then 4096, 4096 and 1000 units with dropout 0.5 between;
 * 143,667,240 parameters (about 550 MB of float weights, as the chapter says). Compiled and
 * summarized; training is optional.
 */
@Network(input = {3, 224, 224})
class Vgg19 {
    @Conv(filters = 64, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv1_1;

    @Conv(filters = 64, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv1_2;

    @MaxPool(size = 2)
    Layer pool1;

    @Conv(filters = 128, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv2_1;

    @Conv(filters = 128, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv2_2;

    @MaxPool(size = 2)
    Layer pool2;

    @Conv(filters = 256, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv3_1;

    @Conv(filters = 256, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv3_2;

    @Conv(filters = 256, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv3_3;

    @Conv(filters = 256, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv3_4;

    @MaxPool(size = 2)
    Layer pool3;

    @Conv(filters = 512, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv4_1;

    @Conv(filters = 512, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv4_2;

    @Conv(filters = 512, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv4_3;

    @Conv(filters = 512, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv4_4;

    @MaxPool(size = 2)
    Layer pool4;

    @Conv(filters = 512, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv5_1;

    @Conv(filters = 512, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv5_2;

    @Conv(filters = 512, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv5_3;

    @Conv(filters = 512, kernel = 3, padding = 1, activation = Activation.RELU)
    Layer conv5_4;

    @MaxPool(size = 2)
    Layer pool5;

    @Dense(units = 4096, activation = Activation.RELU)
    Layer fc6;

    @Dropout(0.5)
    Layer drop6;

    @Dense(units = 4096, activation = Activation.RELU)
    Layer fc7;

    @Dropout(0.5)
    Layer drop7;

    @Dense(units = 1000)
    Layer fc8;
}
