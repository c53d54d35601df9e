package dev.kiln.reports;

import dev.kiln.runtime.train.EpochReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the training history that {@link dev.kiln.runtime.train.CsvHistory} writes back into
 * epoch reports. Columns are found by name, so a file with more columns or another order reads
 * too; an empty value (validation without a validation set) reads as NaN.
 */
public final class HistoryCsv {
    private static final List<String> REQUIRED = List.of("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy");

    private HistoryCsv() {}

    /**
     * @throws IllegalArgumentException naming the file, line and column when a column is missing or a value is not a number
     * @throws UncheckedIOException when the file cannot be read
     */
    public static List<EpochReport> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the training history " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + " is empty: a training history starts with the header "
                    + String.join(",", REQUIRED) + ",...");
        }
        List<String> header = Arrays.asList(lines.get(0).trim().split(",", -1));
        for (String column : REQUIRED) {
            if (!header.contains(column)) {
                throw new IllegalArgumentException(file + " has no column \"" + column + "\"; its header is " + lines.get(0));
            }
        }
        List<EpochReport> epochs = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) {
                continue;
            }
            String[] values = lines.get(n).trim().split(",", -1);
            if (values.length != header.size()) {
                throw new IllegalArgumentException(file + ", line " + (n + 1) + ": " + values.length + " values for "
                        + header.size() + " columns");
            }
            Row row = new Row(file, n + 1, header, values);
            epochs.add(new EpochReport((int) row.number("epoch"), (long) row.optional("steps"), row.number("train_loss"),
                    row.number("train_accuracy"), row.optional("val_loss"), row.optional("val_accuracy"),
                    row.optional("learning_rate"), row.optional("seconds"), 0));
        }
        return epochs;
    }

    private record Row(Path file, int line, List<String> header, String[] values) {
        double number(String column) {
            double value = optional(column);
            if (Double.isNaN(value)) {
                throw new IllegalArgumentException(file + ", line " + line + ": no value for " + column);
            }
            return value;
        }

        /** The column's value; NaN when it is empty or the file has no such column. */
        double optional(String column) {
            int at = header.indexOf(column);
            if (at < 0 || values[at].isBlank()) {
                return Double.NaN;
            }
            try {
                return Double.parseDouble(values[at].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ", line " + line + ", column " + column + ": \"" + values[at]
                        + "\" is not a number", e);
            }
        }
    }
}
