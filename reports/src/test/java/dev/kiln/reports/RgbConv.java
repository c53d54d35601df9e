package dev.kiln.reports;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.Network;

/** Three input channels and a strided, padded first convolution: feature maps smaller than the image. */
@Network(input = {3, 10, 10})
class RgbConv {
    @Conv(filters = 5, kernel = 4, stride = 2, padding = 1, activation = Activation.TANH)
    Layer features;

    @Dense(units = 2)
    Layer logits;
}
