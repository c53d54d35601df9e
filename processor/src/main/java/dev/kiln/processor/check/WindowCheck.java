package dev.kiln.processor.check;

import dev.kiln.dsl.Padding;
import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Message;
import dev.kiln.processor.model.Axis;
import dev.kiln.processor.model.Shape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
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

    /** Repairs are searched among this many strides at most (any stride dividing the span works). */
    private static final long MAX_STRIDE_CANDIDATES = 4096;

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
        long outChannels = window.isConv() ? window.outChannels() : input.channels();
        long values = outChannels * rows.out() * cols.out();
        if (values > Integer.MAX_VALUE) {
            return failure(Diagnostic.of(Message.TENSOR_TOO_LARGE, index, null, List.of(), name,
                    outChannels + "x" + rows.out() + "x" + cols.out(), String.format(Locale.ROOT, "%,d", values)));
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

    // --- the diagnostics

    private Diagnostic fractional() {
        boolean rowsFail = rows.fractional();
        AxisArithmetic first = rowsFail ? rows : cols;
        List<String> notes = new ArrayList<>();
        notes.add(inputNote());
        if (rowsFail && cols.fractional() && !sameNumbers()) {
            notes.add("and width " + cols.formulaWithValue() + " is not an integer either");
        }
        notes.add("help: " + paddingRepair(window.padding()).or(this::strideRepair).orElse(sameRepair()));
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
                ? "padded input " + axis.in() + " + 2*" + axis.padding() + " = " + (axis.in() + 2 * axis.padding())
                : "input " + axis.in();
        List<String> notes = List.of(inputNote(),
                "help: " + (axis.mode() == Padding.EXPLICIT
                        ? paddingRepair(window.padding()).orElse(sameRepair())
                        : sameRepair()));
        return Diagnostic.of(Message.KERNEL_TOO_LARGE, index, window.firstWritten(window.kernelAttribute(rowsFail)),
                notes, name, kernelPhrase, axis.kernel(), inputPhrase);
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
                : sameRepair() + ", padding as TensorFlow does; or ";
        String attribute = axis.mode() == Padding.EXPLICIT
                ? window.firstWritten("floor")
                : window.firstWritten("mode", "stride", window.kernelAttribute(rowsDrop));
        return Diagnostic.of(Message.DROPPED_INPUT, index, attribute, List.of(inputNote(), "help: " + repair + suppress),
                name, label(rowsDrop) + " " + result, droppedPhrase(), input);
    }

    // --- repairs, each re-checked on both axes before it is offered

    /** The explicit padding nearest the user's whose windows fit exactly on both axes. */
    private Optional<String> paddingRepair(int current) {
        return LongStream.rangeClosed(0, window.maxPadding())
                .filter(p -> p != current || window.mode() != Padding.EXPLICIT)
                .boxed()
                .sorted(Comparator.comparingLong((Long p) -> Math.abs(p - current)).thenComparingLong(p -> p))
                .filter(p -> fits(rows.withPadding(p)) && fits(cols.withPadding(p)))
                .findFirst()
                .map(p -> describe("padding = " + p, q -> q.withPadding(p)));
    }

    /** The stride nearest the user's whose windows fit exactly; stride 1 always does. */
    private Optional<String> strideRepair() {
        long current = window.stride();
        return LongStream.rangeClosed(1, MAX_STRIDE_CANDIDATES)
                .filter(s -> s != current)
                .boxed()
                .sorted(Comparator.comparingLong((Long s) -> Math.abs(s - current)).thenComparingLong(s -> s))
                .filter(s -> fits(rows.withStride(s)) && fits(cols.withStride(s)))
                .findFirst()
                .map(s -> describe("stride = " + s, q -> q.withStride(s)));
    }

    /** TensorFlow's SAME always has an output: ceil(in / stride). */
    private String sameRepair() {
        String change = window.explicit().contains("padding")
                ? "mode = Padding.SAME instead of padding = " + window.padding()
                : "mode = Padding.SAME";
        return change + " gives output " + outputShape(rows.withMode(Padding.SAME), cols.withMode(Padding.SAME));
    }

    private static boolean fits(AxisArithmetic axis) {
        return !axis.tooLarge() && !axis.fractional() && axis.out() >= 1;
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
        long channels = window.isConv() ? window.outChannels() : input.channels();
        return channels + "x" + newRows.out() + "x" + newCols.out();
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
