package dev.kiln.processor.check;

import dev.kiln.dsl.Padding;
import dev.kiln.processor.diag.Numbers;
import dev.kiln.processor.model.Axis;

/**
 * How a window of size {@code kernel} moving by {@code stride} covers one axis of {@code in}
 * pixels, under each padding mode (TensorFlow's SAME and VALID, PyTorch's explicit pixels).
 * Sizes are longs, and every sum and product is exact ({@link Math#addExact}, {@link Math#multiplyExact}):
 * from int attributes none can reach a long's range, and should one ever do, the processor reports
 * an internal error rather than a wrong size. {@link #axis()} converts to int only what the checks
 * found to fit.
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
            case EXPLICIT -> Math.subtractExact(Math.addExact(in, Math.multiplyExact(2, padding)), kernel);
            case VALID -> Math.subtractExact(in, kernel);
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
        return mode == Padding.SAME ? ceilDiv(in, stride) : Math.addExact(span() / stride, 1);
    }

    /** Padding before and after the input together; SAME's is what its windows need. */
    long totalPadding() {
        return switch (mode) {
            case EXPLICIT -> Math.multiplyExact(2, padding);
            case VALID -> 0;
            case SAME -> Math.max(Math.subtractExact(Math.addExact(Math.multiplyExact(out() - 1, stride), kernel), in), 0);
        };
    }

    /**
     * The input with its padding: every window lies inside it, so it bounds each index the kernels
     * compute, and its length is that of the padded copy a convolution makes.
     */
    long paddedLength() {
        return Math.addExact(in, totalPadding());
    }

    /** Trailing input pixels (or padding) that no window reads: VALID's and floored EXPLICIT's remainder. */
    long dropped() {
        return mode == Padding.SAME || tooLarge() ? 0 : span() % stride;
    }

    /** The resolved axis; SAME pads evenly with the odd pixel after, as TensorFlow does. */
    Axis axis() {
        return switch (mode) {
            case EXPLICIT -> axis(padding, padding);
            case VALID -> axis(0, 0);
            case SAME -> axis(totalPadding() / 2, totalPadding() - totalPadding() / 2);
        };
    }

    private Axis axis(long before, long after) {
        return new Axis(Math.toIntExact(in), Math.toIntExact(kernel), Math.toIntExact(stride), Math.toIntExact(before),
                Math.toIntExact(after), Math.toIntExact(out()));
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
                ? Numbers.quotient(Math.addExact(span(), stride), stride)
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
        return Math.ceilDiv(a, b);
    }
}
