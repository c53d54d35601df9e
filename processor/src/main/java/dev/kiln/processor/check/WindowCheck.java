package dev.kiln.processor.check;

import dev.kiln.dsl.Padding;
import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Message;
import dev.kiln.processor.diag.Numbers;
import dev.kiln.processor.model.Axis;
import dev.kiln.processor.model.Shape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.LongStream;

/**
 * Places one convolution or pooling window on its input: either both axes resolve (perhaps with a
 * warning that trailing pixels are never read), or there is one error that says why, with the
 * arithmetic in the user's numbers and a repair that was computed and checked here.
 */
final class WindowCheck {

    /** Both axes, or null for each when the layer is in error; {@code diagnostics} says why. */
    record Outcome(Axis rows, Axis cols, List<Diagnostic> diagnostics) {
        boolean failed() {
            return rows == null;
        }
    }

    private final int index;
    private final String name;
    private final Window window;
    private final Shape input;
    private final AxisArithmetic rows;
    private final AxisArithmetic cols;

    private WindowCheck(int index, String name, Window window, Shape input) {
        this.index = index;
        this.name = name;
        this.window = window;
        this.input = input;
        this.rows = new AxisArithmetic(input.height(), window.kernelHeight(), window.stride(), window.padding(),
                window.mode());
        this.cols = new AxisArithmetic(input.width(), window.kernelWidth(), window.stride(), window.padding(),
                window.mode());
    }

    static Outcome run(int index, String name, Window window, Shape input) {
        return new WindowCheck(index, name, window, input).run();
    }

    private Outcome run() {
        if (rows.tooLarge() || cols.tooLarge()) {
            return failure(tooLarge(rows.tooLarge()));
        }
        if (!window.floor() && (rows.fractional() || cols.fractional())) {
            return failure(fractional());
        }
        ArraySize padded = paddedSize(rows, cols);
        if (!padded.fits()) {
            return failure(paddedTooLarge(padded));
        }
        ArraySize output = outputSize(rows, cols);
        if (!output.fits()) {
            return failure(Diagnostic.of(Message.TENSOR_TOO_LARGE, index, null, List.of(), name,
                    outputShape(rows, cols), output.grouped(), ArraySize.limit()));
        }
        List<Diagnostic> warnings = new ArrayList<>();
        if (rows.dropped() > 0 || cols.dropped() > 0) {
            warnings.add(dropped());
        }
        return new Outcome(rows.axis(), cols.axis(), warnings);
    }

    private static Outcome failure(Diagnostic diagnostic) {
        return new Outcome(null, null, List.of(diagnostic));
    }

    /**
     * The input with its padding, per example: a convolution copies it there, and every index a
     * window computes lies inside it, so it must fit a Java array.
     */
    private ArraySize paddedSize(AxisArithmetic r, AxisArithmetic c) {
        return ArraySize.product(input.channels(), r.paddedLength(), c.paddedLength());
    }

    private ArraySize outputSize(AxisArithmetic r, AxisArithmetic c) {
        return ArraySize.product(outputChannels(), r.out(), c.out());
    }

    // --- the diagnostics

    private Diagnostic fractional() {
        boolean rowsFail = rows.fractional();
        AxisArithmetic first = rowsFail ? rows : cols;
        List<String> notes = new ArrayList<>();
        notes.add(inputNote());
        if (rowsFail && cols.fractional() && !sameNumbers()) {
            notes.add("and width " + cols.formulaWithValue() + " is not an integer either");
        }
        paddingRepair(window.padding()).or(this::floorOrSameRepair).or(this::strideRepair)
                .ifPresent(repair -> notes.add("help: " + repair));
        String attribute = window.firstWritten("stride", "padding", window.kernelAttribute(rowsFail));
        return Diagnostic.of(Message.FRACTIONAL_OUTPUT, index, attribute, notes, name,
                label(rowsFail) + " " + first.formulaWithValue());
    }

    private Diagnostic tooLarge(boolean rowsFail) {
        AxisArithmetic axis = rowsFail ? rows : cols;
        String kernelPhrase = sameNumbers() || !window.isConv()
                ? window.kernelName()
                : window.kernelName() + (rowsFail ? " height" : " width");
        String inputPhrase = axis.mode() == Padding.EXPLICIT && axis.padding() > 0
                ? "padded input " + axis.in() + " + 2*" + axis.padding() + " = " + axis.paddedLength()
                : "input " + axis.in();
        List<String> notes = new ArrayList<>();
        notes.add(inputNote());
        (axis.mode() == Padding.EXPLICIT ? paddingRepair(window.padding()).or(this::sameRepair) : sameRepair())
                .ifPresent(repair -> notes.add("help: " + repair));
        return Diagnostic.of(Message.KERNEL_TOO_LARGE, index, window.firstWritten(window.kernelAttribute(rowsFail)),
                notes, name, kernelPhrase, axis.kernel(), inputPhrase);
    }

    /** A convolution's explicit padding gets its own message, on the attribute; else the padding SAME or a pool adds. */
    private Diagnostic paddedTooLarge(ArraySize padded) {
        String paddedShape = input.channels() + "x" + rows.paddedLength() + "x" + cols.paddedLength();
        List<String> notes = new ArrayList<>();
        notes.add(inputNote());
        if (window.isConv() && window.mode() == Padding.EXPLICIT) {
            notes.add("note: the padded input is C x (H + 2*padding) x (W + 2*padding); a convolution copies it"
                    + " there for its windows");
            paddingRepair(window.padding()).ifPresent(r -> notes.add("help: " + r));
            return Diagnostic.of(Message.CONV_PADDING_TOO_LARGE, index, window.firstWritten("padding"), notes, name,
                    window.padding(), paddedShape, padded.grouped(), ArraySize.limit());
        }
        if (window.mode() == Padding.SAME) {
            notes.add("note: SAME pads " + Numbers.count(rows.totalPadding(), "row") + " and "
                    + Numbers.count(cols.totalPadding(), "column") + " so that ceil(in/stride) windows of "
                    + kernelShape() + " fit");
        }
        return Diagnostic.of(Message.PADDED_INPUT_TOO_LARGE, index,
                window.firstWritten("padding", "mode", window.kernelAttribute(true)), notes, name, paddedShape,
                padded.grouped(), ArraySize.limit());
    }

    private Diagnostic dropped() {
        boolean rowsDrop = rows.dropped() > 0;
        AxisArithmetic axis = rowsDrop ? rows : cols;
        String result = axis.mode() == Padding.EXPLICIT
                ? axis.formulaWithValue() + ", floored to " + axis.out()
                : axis.formulaWithValue();
        String suppress = "add @SuppressWarnings(\"" + Message.DROPPED_INPUT.suppressToken()
                + "\") to the field if that is intended";
        String repair = axis.mode() == Padding.EXPLICIT
                ? paddingRepair(window.padding()).map(r -> r + "; or ").orElse("")
                : sameRepair().map(r -> r + ", padding as TensorFlow does; or ").orElse("");
        String attribute = axis.mode() == Padding.EXPLICIT
                ? window.firstWritten("floor")
                : window.firstWritten("mode", "stride", window.kernelAttribute(rowsDrop));
        return Diagnostic.of(Message.DROPPED_INPUT, index, attribute, List.of(inputNote(), "help: " + repair + suppress),
                name, label(rowsDrop) + " " + result, droppedPhrase(), input);
    }

    // --- repairs: computed arithmetically (their cost does not grow with the kernel or the padding),
    // then each re-checked on both axes, output and padded input included, before it is offered

    /**
     * The explicit padding nearest the user's (the smaller on a tie) whose windows fit exactly on
     * both axes, up to the window's {@link Window#maxPadding()}. Windows fit along an axis when
     * {@code in + 2p - kernel} is at least 0 and a multiple of the stride s: 2p = kernel - in (mod s).
     * For an odd s that is one class of p modulo s (2 has an inverse); for an even s, one class
     * modulo s/2 when kernel - in is even, none when it is odd. Both axes share s, so they agree
     * on one class or have no common padding; the answer is that class's member nearest the user's.
     */
    private Optional<String> paddingRepair(int current) {
        OptionalLong rowClass = paddingClass(rows);
        OptionalLong colClass = paddingClass(cols);
        long stride = window.stride();
        long modulus = stride % 2 == 1 ? stride : stride / 2;
        if (rowClass.isEmpty() || colClass.isEmpty() || rowClass.getAsLong() != colClass.getAsLong()) {
            return Optional.empty();
        }
        long residue = rowClass.getAsLong();
        long low = Math.max(0, Math.max(Math.ceilDiv(rows.kernel() - rows.in(), 2), Math.ceilDiv(cols.kernel() - cols.in(), 2)));
        long high = window.maxPadding();
        boolean skipCurrent = window.mode() == Padding.EXPLICIT;   // the user's own padding is what failed
        long belowFrom = Math.min(high, skipCurrent ? current - 1L : current);
        long aboveFrom = Math.max(low, skipCurrent ? current + 1L : current);
        long below = belowFrom - Math.floorMod(belowFrom - residue, modulus);
        long above = aboveFrom + Math.floorMod(residue - aboveFrom, modulus);
        return LongStream.of(below, above)
                .filter(p -> p >= low && p <= high)
                .filter(p -> acceptable(rows.withPadding(p), cols.withPadding(p)))
                .boxed()
                .min(Comparator.comparingLong((Long p) -> Math.abs(p - current)).thenComparingLong(p -> p))
                .map(p -> describe("padding = " + p, q -> q.withPadding(p)));
    }

    /** The class of paddings p with 2p = kernel - in modulo the stride, as a residue; empty if there is none. */
    private static OptionalLong paddingClass(AxisArithmetic axis) {
        long stride = axis.stride();
        long target = Math.floorMod(axis.kernel() - axis.in(), stride);
        if (stride % 2 == 1) {
            return OptionalLong.of(Math.floorMod(Math.multiplyExact(target, (stride + 1) / 2), stride));
        }
        return target % 2 == 0 ? OptionalLong.of(target / 2) : OptionalLong.empty();
    }

    /**
     * With a fraction left: PyTorch's floor (the last rows or columns unread) and TensorFlow's SAME,
     * both keeping the stride and so the cost, where a smaller stride multiplies it.
     */
    private Optional<String> floorOrSameRepair() {
        List<String> repairs = new ArrayList<>();
        if (buildable(rows, cols)) {
            repairs.add("floor = true gives output " + outputShape(rows, cols)
                    + ", rounding down as PyTorch does (the last " + droppedPhrase() + " unread)");
        }
        sameRepair().ifPresent(repairs::add);
        return repairs.isEmpty() ? Optional.empty() : Optional.of(String.join("; or ", repairs));
    }

    /**
     * The stride nearest the user's (the smaller on a tie) whose windows fit exactly on both axes,
     * and whose output fits: a divisor of both spans (padded length minus the window), so one of
     * the divisors of their greatest common divisor, found up to its square root.
     */
    private Optional<String> strideRepair() {
        long current = window.stride();
        long common = gcd(rows.span(), cols.span());
        List<Long> divisors = new ArrayList<>();
        for (long d = 1; d * d <= common; d++) {
            if (common % d == 0) {
                divisors.add(d);
                divisors.add(common / d);
            }
        }
        return divisors.stream()
                .filter(s -> s != current && s <= Integer.MAX_VALUE)
                .sorted(Comparator.comparingLong((Long s) -> Math.abs(s - current)).thenComparingLong(s -> s))
                .filter(s -> acceptable(rows.withStride(s), cols.withStride(s)))
                .findFirst()
                .map(s -> describe("stride = " + s, q -> q.withStride(s)));
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** TensorFlow's SAME: ceil(in / stride) windows, whatever the kernel, if its padding stays in range. */
    private Optional<String> sameRepair() {
        AxisArithmetic sameRows = rows.withMode(Padding.SAME), sameCols = cols.withMode(Padding.SAME);
        if (!acceptable(sameRows, sameCols)) {
            return Optional.empty();
        }
        String change = window.explicit().contains("padding")
                ? "mode = Padding.SAME instead of padding = " + window.padding()
                : "mode = Padding.SAME";
        return Optional.of(change + " gives output " + outputShape(sameRows, sameCols));
    }

    /** Windows that fit exactly on both axes, and a layer that can be built. */
    private boolean acceptable(AxisArithmetic newRows, AxisArithmetic newCols) {
        return !newRows.fractional() && !newCols.fractional() && buildable(newRows, newCols);
    }

    /** What a layer needs once any fraction is floored: a window on each axis, and arrays Java can hold. */
    private boolean buildable(AxisArithmetic newRows, AxisArithmetic newCols) {
        return !newRows.tooLarge() && !newCols.tooLarge() && newRows.out() >= 1 && newCols.out() >= 1
                && paddedSize(newRows, newCols).fits() && outputSize(newRows, newCols).fits();
    }

    /** "padding = 1 gives (32 + 2*1 - 4)/3 + 1 = 11, output 16x11x11"; the formula only for a square case. */
    private String describe(String change, Function<AxisArithmetic, AxisArithmetic> apply) {
        AxisArithmetic newRows = apply.apply(rows);
        AxisArithmetic newCols = apply.apply(cols);
        String formula = sameNumbers() ? newRows.formulaWithValue() + ", " : "";
        return change + " gives " + formula + "output " + outputShape(newRows, newCols);
    }

    // --- wording

    private String outputShape(AxisArithmetic newRows, AxisArithmetic newCols) {
        return outputChannels() + "x" + newRows.out() + "x" + newCols.out();
    }

    /** A convolution's filters; a pool keeps its input's channels. */
    private long outputChannels() {
        return window.isConv() ? window.outChannels() : input.channels();
    }

    /** "7x7". */
    private String kernelShape() {
        return rows.kernel() + "x" + cols.kernel();
    }

    private String inputNote() {
        return "input " + input + " (C x H x W); " + AxisArithmetic.symbols(window.mode(), window.kernelName());
    }

    /** "size" when both axes do the same arithmetic, else the axis at fault. */
    private String label(boolean rowsAxis) {
        return sameNumbers() ? "size" : rowsAxis ? "height" : "width";
    }

    private boolean sameNumbers() {
        return rows.in() == cols.in() && rows.kernel() == cols.kernel();
    }

    /** "row and column", "2 rows", "column", "row and 3 columns". */
    private String droppedPhrase() {
        String r = phrase(rows.dropped(), "row");
        String c = phrase(cols.dropped(), "column");
        return r.isEmpty() ? c : c.isEmpty() ? r : r + " and " + c;
    }

    private static String phrase(long n, String unit) {
        return n == 0 ? "" : n == 1 ? unit : n + " " + unit + "s";
    }
}
