package dev.kiln.dsl;

/** How a layer's weights are initialised. Biases start at the layer's {@code bias} constant. */
public enum Init {
    /** {@link #HE} for a ReLU layer, {@link #GLOROT} otherwise. */
    AUTO,
    /** He normal: N(0, 2 / fanIn), suited to ReLU. */
    HE,
    /** Glorot (Xavier) uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)). */
    GLOROT,
    /** N(0, stddev^2) with the layer's {@code stddev}. */
    NORMAL,
    /** N(0, stddev^2) redrawn beyond two standard deviations, as TensorFlow's truncated_normal. */
    TRUNCATED_NORMAL
}
