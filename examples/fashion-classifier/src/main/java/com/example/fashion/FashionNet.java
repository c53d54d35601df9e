package com.example.fashion;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Dropout;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Padding;

/**
 * A small convolutional network for 28x28 gray images in 10 classes. Kiln's annotation processor
 * checks every shape when this compiles and generates {@code FashionNetModel}, the class that
 * trains and predicts.
 */
@Network(input = {1, 28, 28})
class FashionNet {
    @Conv(filters = 16, kernel = 5, mode = Padding.SAME, activation = Activation.RELU) Layer conv1;
    @MaxPool(size = 2)                                                                 Layer pool1;
    @Conv(filters = 32, kernel = 5, mode = Padding.SAME, activation = Activation.RELU) Layer conv2;
    @MaxPool(size = 2)                                                                 Layer pool2;
    @Dense(units = 128, activation = Activation.RELU)                                  Layer hidden;
    @Dropout(0.25)                                                                     Layer dropout;
    @Dense(units = 10)                                                                 Layer logits;
}
