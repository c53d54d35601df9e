package dev.kiln.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random network sources with what the processor must say about them, computed here with plain
 * arithmetic written independently of the processor's. A network is built valid (a layer whose
 * window would not fit is switched to SAME), then, for an invalid one, exactly one fault is put on
 * one line.
 */
final class RandomNetworks {

    /** One layer's source line and, for a valid network, its expected output shape and parameters. */
    record Line(String text, String shape, long params, boolean warns) {}

    /**
     * A generated class. {@code errorLine} is the 1-based line of the single expected error, or 0 for
     * a valid network.
     */
    record Case(String className, String source, int errorLine, String errorKey, List<Line> layers) {
        boolean valid() {
            return errorLine == 0;
        }

        /** Line of layer {@code i} in {@link #source}. */
        static int lineOf(int i) {
            return FIRST_LAYER_LINE + i;
        }
    }

    static final int FIRST_LAYER_LINE = 5;

    private final Random random;

    RandomNetworks(long seed) {
        this.random = new Random(seed);
    }

    /** The shape flowing between layers: spatial, or flat when h = w = 0. */
    private record Tensor(int c, int h, int w) {
        boolean flat() {
            return h == 0;
        }

        long size() {
            return flat() ? c : (long) c * h * w;
        }

        @Override
        public String toString() {
            return flat() ? Integer.toString(c) : c + "x" + h + "x" + w;
        }
    }

    Case next(String className, boolean valid) {
        List<Line> lines = new ArrayList<>();
        Tensor t = new Tensor(1 + random.nextInt(4), 1 + random.nextInt(40), 1 + random.nextInt(40));
        String input = "{" + t.c + ", " + t.h + ", " + t.w + "}";
        List<Tensor> inputs = new ArrayList<>();
        int spatial = random.nextInt(6);
        for (int i = 0; i < spatial; i++) {
            inputs.add(t);
            Line line = spatialLayer("l" + i, t);
            lines.add(line);
            t = parse(line.shape, t);
        }
        int dense = 1 + random.nextInt(2);
        for (int i = 0; i < dense; i++) {
            if (random.nextInt(3) == 0) {
                double rate = random.nextInt(10) / 10.0;
                inputs.add(t);
                lines.add(new Line("@Dropout(" + rate + ")", t.toString(), 0, false));
            }
            int units = 1 + random.nextInt(16);
            inputs.add(t);
            lines.add(new Line("@Dense(units = " + units + activation() + ")", Integer.toString(units),
                    t.size() * units + units, false));
            t = new Tensor(units, 0, 0);
        }
        int errorLine = 0;
        String errorKey = null;
        if (!valid) {
            int at = random.nextInt(lines.size());
            String[] fault = fault(lines, inputs, at);
            errorKey = fault[0];
            errorLine = Case.lineOf(Integer.parseInt(fault[1]));
        }
        StringBuilder src = new StringBuilder("package r;\nimport dev.kiln.dsl.*;\n");
        src.append("@Network(input = ").append(input).append(")\n");
        src.append("class ").append(className).append(" {\n");
        for (int i = 0; i < lines.size(); i++) {
            src.append("    ").append(lines.get(i).text).append(" Layer l").append(i).append(";\n");
        }
        src.append("}\n");
        return new Case(className, src.toString(), errorLine, errorKey, lines);
    }

    private Line spatialLayer(String name, Tensor in) {
        if (in.flat()) {
            throw new IllegalStateException();
        }
        return switch (random.nextInt(10)) {
            case 0 -> new Line("@GlobalAvgPool", in.c + "x1x1", 0, false);
            case 1 -> new Line("@Dropout(0.25)", in.toString(), 0, false);
            case 2, 3, 4 -> pool(in);
            default -> conv(in);
        };
    }

    private Line conv(Tensor in) {
        int filters = 1 + random.nextInt(8);
        boolean square = random.nextBoolean();
        int kh = 1 + random.nextInt(5);
        int kw = square ? kh : 1 + random.nextInt(5);
        int stride = 1 + random.nextInt(3);
        String kernel = square ? "kernel = " + kh : "kernelHeight = " + kh + ", kernelWidth = " + kw;
        String strideText = stride == 1 && random.nextBoolean() ? "" : ", stride = " + stride;
        String head = "@Conv(filters = " + filters + ", " + kernel + strideText;
        long params = (long) kh * kw * in.c * filters + filters;
        int mode = random.nextInt(4);
        if (mode == 0) {
            return sameConv(head, in, filters, stride, params);
        }
        if (mode == 1) {
            Out r = valid(in.h, kh, stride);
            Out c = valid(in.w, kw, stride);
            if (r.fails() || c.fails()) {
                return sameConv(head, in, filters, stride, params);
            }
            boolean warns = r.dropped > 0 || c.dropped > 0;
            String suppress = warns && random.nextBoolean() ? "@SuppressWarnings(\"kiln-floor\") " : "";
            return new Line(suppress + head + ", mode = Padding.VALID" + activation() + ")",
                    filters + "x" + r.out + "x" + c.out, params, warns && suppress.isEmpty());
        }
        int padding = random.nextInt(3);
        boolean floor = random.nextInt(4) == 0;
        Out r = explicit(in.h, kh, stride, padding, floor);
        Out c = explicit(in.w, kw, stride, padding, floor);
        if (r.fails() || c.fails()) {
            return sameConv(head, in, filters, stride, params);
        }
        String paddingText = padding == 0 && random.nextBoolean() ? "" : ", padding = " + padding;
        boolean warns = r.dropped > 0 || c.dropped > 0;
        return new Line(head + paddingText + (floor ? ", floor = true" : "") + activation() + ")",
                filters + "x" + r.out + "x" + c.out, params, warns);
    }

    private Line sameConv(String head, Tensor in, int filters, int stride, long params) {
        return new Line(head + ", mode = Padding.SAME" + activation() + ")",
                filters + "x" + ceil(in.h, stride) + "x" + ceil(in.w, stride), params, false);
    }

    private Line pool(Tensor in) {
        String kind = random.nextBoolean() ? "@MaxPool" : "@AvgPool";
        int size = 1 + random.nextInt(3);
        int stride = random.nextInt(4);
        int effective = stride == 0 ? size : stride;
        String head = kind + "(size = " + size + (stride == 0 ? "" : ", stride = " + stride);
        int mode = random.nextInt(3);
        if (mode == 1) {
            int padding = random.nextInt(size / 2 + 1);
            Out r = explicit(in.h, size, effective, padding, false);
            Out c = explicit(in.w, size, effective, padding, false);
            if (!r.fails() && !c.fails()) {
                return new Line(head + ", padding = " + padding + ")", in.c + "x" + r.out + "x" + c.out, 0, false);
            }
        } else if (mode == 0) {
            Out r = valid(in.h, size, effective);
            Out c = valid(in.w, size, effective);
            if (!r.fails() && !c.fails()) {
                boolean warns = r.dropped > 0 || c.dropped > 0;
                String suppress = warns && random.nextBoolean() ? "@SuppressWarnings(\"kiln-floor\") " : "";
                return new Line(suppress + head + ")", in.c + "x" + r.out + "x" + c.out, 0,
                        warns && suppress.isEmpty());
            }
        }
        return new Line(head + ", mode = Padding.SAME)", in.c + "x" + ceil(in.h, effective) + "x"
                + ceil(in.w, effective), 0, false);
    }

    /** Replaces or adds one line so that exactly one error is expected; returns {key, layer index}. */
    private String[] fault(List<Line> lines, List<Tensor> inputs, int at) {
        Tensor in = inputs.get(at);
        String text = lines.get(at).text.replace("@SuppressWarnings(\"kiln-floor\") ", "");
        // The last layer is the dense logits layer: replacing it would add LastLayerNotDense.
        boolean last = at == lines.size() - 1;
        int kind = last ? 6 + random.nextInt(3) : random.nextInt(12);
        if (kind == 0 && text.startsWith("@Conv")) {
            set(lines, at, text.replaceFirst("filters = \\d+", "filters = " + -random.nextInt(3)));
            return new String[] {"NotPositive", "" + at};
        }
        if (kind == 1 && text.startsWith("@Conv")) {
            set(lines, at, "@Conv(filters = 2, kernel = 3, padding = -1)");
            return new String[] {"Negative", "" + at};
        }
        if (kind == 2 && !in.flat()) {
            // Explicit padding 0 with a stride that does not divide (in - k): a fraction.
            for (int k = 1; k <= in.h && k <= in.w; k++) {
                for (int s = 2; s <= 4; s++) {
                    if ((in.h - k) % s != 0 || (in.w - k) % s != 0) {
                        set(lines, at, "@Conv(filters = 3, kernel = " + k + ", stride = " + s + ")");
                        return new String[] {"FractionalOutput", "" + at};
                    }
                }
            }
        }
        if (kind == 3 && !in.flat()) {
            set(lines, at, "@MaxPool(size = " + (Math.max(in.h, in.w) + 1) + ")");
            return new String[] {"KernelTooLarge", "" + at};
        }
        if (kind == 4 && !in.flat()) {
            set(lines, at, "@Conv(filters = 2, kernel = 1, padding = 0, mode = Padding.SAME)");
            return new String[] {"PaddingWithMode", "" + at};
        }
        if (kind == 5 && text.startsWith("@Conv")) {
            set(lines, at, text + " @MaxPool(size = 1)");
            return new String[] {"TwoLayerAnnotations", "" + at};
        }
        if (kind == 9) {
            // Written out, stride 0 is not the default's "window size" but a stride of nothing.
            set(lines, at, (random.nextBoolean() ? "@MaxPool" : "@AvgPool") + "(size = 2, stride = 0)");
            return new String[] {"NotPositive", "" + at};
        }
        if (kind == 10 && !in.flat()) {
            // The padded input needs more than an int's worth of rows and columns.
            set(lines, at, "@Conv(filters = 2, kernel = 3, padding = " + (1073741811 + random.nextInt(1000)) + ")");
            return new String[] {"ConvPaddingTooLarge", "" + at};
        }
        if (kind == 11 && !in.flat()) {
            set(lines, at, "@Conv(filters = 2, kernel = Integer.MAX_VALUE, mode = Padding.SAME)");
            return new String[] {"PaddedInputTooLarge", "" + at};
        }
        if (kind == 6) {
            lines.add(new Line("@Dropout(0.1)", null, 0, false));
            return new String[] {"LastLayerNotDense", "" + (lines.size() - 1)};
        }
        if (kind == 7) {
            // A pool right after a dense layer: its input is flat. Add the dense layer if needed.
            lines.add(lines.size() - 1, new Line("@AvgPool(size = 1)", null, 0, false));
            int poolAt = lines.size() - 2;
            if (poolAt == 0 || !lines.get(poolAt - 1).text.startsWith("@Dense")) {
                lines.add(poolAt, new Line("@Dense(units = 3)", null, 0, false));
                poolAt++;
            }
            return new String[] {"SpatialAfterFlat", "" + poolAt};
        }
        if (text.startsWith("@Dense")) {
            set(lines, at, "@Dense(units = 0)");
            return new String[] {"NotPositive", "" + at};
        }
        set(lines, at, "@Dropout(" + (random.nextBoolean() ? "1.5" : "-0.1") + ")");
        return new String[] {"DropoutRate", "" + at};
    }

    private static void set(List<Line> lines, int at, String text) {
        lines.set(at, new Line(text, null, 0, false));
    }

    // --- the reference arithmetic

    /** One axis: output size, rows never read, or failure (no window fits, or a fraction). */
    private record Out(long out, long dropped, boolean fails) {}

    private static Out explicit(int in, int k, int s, int p, boolean floor) {
        long span = in + 2L * p - k;
        if (span < 0) {
            return new Out(0, 0, true);
        }
        boolean exact = span % s == 0;
        return new Out(span / s + 1, span % s, !exact && !floor);
    }

    private static Out valid(int in, int k, int s) {
        long span = in - k;
        return span < 0 ? new Out(0, 0, true) : new Out(span / s + 1, span % s, false);
    }

    private static long ceil(int in, int s) {
        return (in + s - 1) / s;
    }

    private String activation() {
        return switch (random.nextInt(4)) {
            case 0 -> ", activation = Activation.RELU";
            case 1 -> ", activation = Activation.TANH";
            default -> "";
        };
    }

    private static Tensor parse(String shape, Tensor previous) {
        String[] parts = shape.split("x");
        return new Tensor(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }
}
