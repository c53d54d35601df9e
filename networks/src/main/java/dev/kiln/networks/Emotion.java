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
 * The book chapter's facial-expression network (seed network 6, "emotion"): 48x48 grayscale
 * faces, a 5x5 (32) and a 3x3 (64) SAME convolution each with 2x2 SAME max pooling, 256 hidden
 * units with dropout 0.5, and 7 logits (anger, disgust, fear, happy, sad, surprise, neutral);
 * 2,380,679 parameters. Weights truncated normal stddev 0.02, biases zero; the loss adds
 * 0.01 * sum(w^2)/2 over the convolutions' weights and biases ({@code l2 = 0.01}).
 * Adam 1e-3, batch 128, 1,001 iterations.
 */
@Network(input = {1, 48, 48})
class Emotion {
    @Conv(filters = 32, kernel = 5, mode = Padding.SAME, activation = Activation.RELU,
            init = Init.TRUNCATED_NORMAL, stddev = 0.02, l2 = 0.01)
    Layer conv1;

    @MaxPool(size = 2, mode = Padding.SAME)
    Layer pool1;

    @Conv(filters = 64, kernel = 3, mode = Padding.SAME, activation = Activation.RELU,
            init = Init.TRUNCATED_NORMAL, stddev = 0.02, l2 = 0.01)
    Layer conv2;

    @MaxPool(size = 2, mode = Padding.SAME)
    Layer pool2;

    @Dense(units = 256, activation = Activation.RELU, init = Init.TRUNCATED_NORMAL, stddev = 0.02)
    Layer fc1;

    @Dropout(0.5)
    Layer dropout;

    @Dense(units = 7, init = Init.TRUNCATED_NORMAL, stddev = 0.02)
    Layer logits;
}
