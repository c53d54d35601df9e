package dev.kiln.dsl;

/**
 * How a convolution or pooling window treats the border of its input.
 *
 * <p>{@link #SAME} and {@link #VALID} follow TensorFlow: SAME gives {@code out = ceil(in / stride)}
 * and pads evenly, the odd pixel going to the bottom and right; VALID pads nothing and gives
 * {@code out = floor((in - kernel) / stride) + 1}. {@link #EXPLICIT} uses the layer's
 * {@code padding} pixels on every side, as PyTorch does, and requires the window to fit exactly
 * unless the layer says {@code floor = true}.
 */
public enum Padding {
    /** {@code padding} pixels of zeros on each side (PyTorch style). */
    EXPLICIT,
    /** TensorFlow's SAME: output size is ceil(in / stride). */
    SAME,
    /** TensorFlow's VALID: no padding; trailing rows and columns that do not fill a window are dropped. */
    VALID
}
