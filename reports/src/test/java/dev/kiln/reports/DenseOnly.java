package dev.kiln.reports;

import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.Network;

/** No convolution: there are no filters to draw. */
@Network(input = {1, 4, 4})
class DenseOnly {
    @Dense(units = 3)
    Layer logits;
}
