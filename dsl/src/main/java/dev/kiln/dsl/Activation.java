package dev.kiln.dsl;

/** The element-wise function applied to a layer's output. */
public enum Activation {
    /** The identity: the layer's output is its affine result. */
    NONE,
    /** max(0, x). */
    RELU,
    /** 1 / (1 + e^-x). */
    SIGMOID,
    /** tanh(x). */
    TANH
}
