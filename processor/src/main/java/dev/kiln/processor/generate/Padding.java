package dev.kiln.processor.generate;

import dev.kiln.processor.model.Axis;

/** How comments and fingerprints state a window's padding. */
final class Padding {
    private Padding() {}

    /** "SAME", "VALID", "padding 2" as the user declared it, plus the odd split when SAME pads unevenly. */
    static String describe(dev.kiln.dsl.Padding mode, int padding, Axis rows, Axis cols) {
        return switch (mode) {
            case SAME -> rows.padBefore() != rows.padAfter() || cols.padBefore() != cols.padAfter()
                    ? "SAME (pad " + exact(rows, cols) + ")" : "SAME";
            case VALID -> "VALID";
            case EXPLICIT -> "padding " + padding;
        };
    }

    /** The padding actually applied: "top/bottom x left/right", e.g. "1/2x1/2". */
    static String exact(Axis rows, Axis cols) {
        return rows.padBefore() + "/" + rows.padAfter() + "x" + cols.padBefore() + "/" + cols.padAfter();
    }
}
