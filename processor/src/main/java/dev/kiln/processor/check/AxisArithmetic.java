package dev.kiln.processor.check;

import dev.kiln.dsl.Padding;
import dev.kiln.processor.diag.Numbers;
import dev.kiln.processor.model.Axis;

/**
 * How a window of size {@code kernel} moving by {@code stride} covers one axis of {@code in}
 * pixels, under each padding mode (TensorFlow's SAME and VALID, PyTorch's explicit pixels).
 * Sizes are longs so that huge paddings cannot overflow before they are rejected.
 *
 * @param in      input size along the axis
 * @param kernel  window size
 * @param stride  step
 * @param padding pixels per side (EXPLICIT only)
 * @param mode    the padding mode
 */
record AxisArithmetic(long in, long kernel, long stride, long padding, Padding mode) {

    /** The padded length minus the window: windows fit exactly when it is a multiple of the stride. */
    long span() {
        return switch (mode) {
            case EXPLICIT -> in + 2 * padding - kernel;
            case VALID -> in - kernel;
            case SAME -> 0;
        };
    }

    /** The window is wider than the (padded) input: not one window fits. SAME never has this. */
    boolean tooLarge() {
        return mode != Padding.SAME && span() < 0;
    }

    /** Explicit padding whose windows do not end on the last pixel. */
    boolean fractional() {
        return mode == Padding.EXPLICIT && !tooLarge() && span() % stride != 0;
    }

    /** Output size, flooring where the windows do not fit exactly. */
    long out() {
        return mode == Padding.SAME ? ceilDiv(in, stride) : span() / stride + 1;
    }

    /** Trailing input pixels (or padding) that no window reads: VALID's and floored EXPLICIT's remainder. */
    long dropped() {
        return mode == Padding.SAME || tooLarge() ? 0 : span() % stride;
    }

    /** The resolved axis; SAME pads evenly with the odd pixel after, as TensorFlow does. */
    Axis axis() {
        return switch (mode) {
            case EXPLICIT -> new Axis((int) in, (int) kernel, (int) stride, (int) padding, (int) padding, (int) out());
            case VALID -> new Axis((int) in, (int) kernel, (int) stride, 0, 0, (int) out());
            case SAME -> {
                long total = Math.max((out() - 1) * stride + kernel - in, 0);
                yield new Axis((int) in, (int) kernel, (int) stride, (int) (total / 2), (int) (total - total / 2),
                        (int) out());
            }
        };
    }

    AxisArithmetic withPadding(long newPadding) {
        return new AxisArithmetic(in, kernel, stride, newPadding, Padding.EXPLICIT);
    }

    AxisArithmetic withStride(long newStride) {
        return new AxisArithmetic(in, kernel, newStride, padding, mode);
    }

    AxisArithmetic withMode(Padding newMode) {
        return new AxisArithmetic(in, kernel, stride, newMode == Padding.EXPLICIT ? padding : 0, newMode);
    }

    /** The arithmetic with the user's numbers: "(32 + 2*0 - 4)/3 + 1", "floor((11 - 2)/2) + 1", "ceil(11/2)". */
    String formula() {
        return switch (mode) {
            case EXPLICIT -> "(" + in + " + 2*" + padding + " - " + kernel + ")/" + stride + " + 1";
            case VALID -> "floor((" + in + " - " + kernel + ")/" + stride + ") + 1";
            case SAME -> "ceil(" + in + "/" + stride + ")";
        };
    }

    /** The formula and its value, exact: "(32 + 2*0 - 4)/3 + 1 = 10.33". */
    String formulaWithValue() {
        String value = mode == Padding.EXPLICIT
                ? Numbers.quotient(span() + stride, stride)
                : Long.toString(out());
        return formula() + " = " + value;
    }

    /** The formula in symbols; {@code kernelName} is "kernel" for a convolution, "size" for a pool. */
    static String symbols(Padding mode, String kernelName) {
        return switch (mode) {
            case EXPLICIT -> "out = (in + 2*padding - " + kernelName + ")/stride + 1";
            case VALID -> "VALID: out = floor((in - " + kernelName + ")/stride) + 1";
            case SAME -> "SAME: out = ceil(in/stride)";
        };
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
