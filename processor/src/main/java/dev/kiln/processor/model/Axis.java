package dev.kiln.processor.model;

/**
 * How a sliding window (convolution or pooling) covers one spatial axis, fully resolved.
 *
 * @param in        input size along the axis
 * @param kernel    window size
 * @param stride    step between windows
 * @param padBefore zeros before the first input pixel (top or left)
 * @param padAfter  zeros after the last input pixel (bottom or right); SAME puts the odd one here
 * @param out       number of windows; with flooring, the last input rows may never be read
 */
public record Axis(int in, int kernel, int stride, int padBefore, int padAfter, int out) {}
