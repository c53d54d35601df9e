package dev.kiln.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Markdown table of figures: Kiln, PyTorch and their ratio, one row per measure. */
final class Table {
    private final String title;
    private final List<String[]> rows = new ArrayList<>();

    Table(String title) {
        this.title = title;
    }

    /** A figure measured in both; NaN where one side was not measured. */
    void compare(String measure, double kiln, double pytorch, String format) {
        rows.add(new String[] {measure, fmt(format, kiln), fmt(format, pytorch),
                Double.isNaN(kiln) || Double.isNaN(pytorch) || pytorch == 0 ? "" : String.format(Locale.ROOT, "%.2f", kiln / pytorch)});
    }

    /** A figure of each side that has no meaningful ratio, as text. */
    void both(String measure, String kiln, String pytorch) {
        rows.add(new String[] {measure, kiln, pytorch, ""});
    }

    /** A figure that has no PyTorch counterpart. */
    void kilnOnly(String measure, String value) {
        rows.add(new String[] {measure, value, "", ""});
    }

    String render() {
        StringBuilder out = new StringBuilder("### ").append(title).append("\n\n");
        out.append("| measure | Kiln | PyTorch | Kiln/PyTorch |\n|---|---:|---:|---:|\n");
        for (String[] row : rows) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return out.toString();
    }

    private static String fmt(String format, double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, format, value);
    }
}
