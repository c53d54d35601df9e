package dev.kiln.runtime.data;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads images from a plain CSV file, one image per row: the label (a whole number from 0), then
 * channels x height x width pixel values 0..255, plane by plane and row by row (Kaggle's MNIST
 * {@code train.csv} layout: {@code label,pixel0,...,pixel783}). A first row whose first field is
 * not a whole number is a header and skipped; blank lines are skipped. The file is read one line at
 * a time into bytes; every problem is reported with the file name and line number.
 */
public final class CsvFormat {
    private CsvFormat() {
    }

    /** Every row of {@code csv} as images of channels x height x width; classes: the largest label + 1. */
    public static Dataset read(Path csv, int channels, int height, int width) throws IOException {
        return read(csv, channels, height, width, 0, Limits.NONE);
    }

    /**
     * The first {@code limits.train()} rows of {@code csv}.
     *
     * @param classes the number of classes (labels must be below it); 0: the largest label + 1
     */
    public static Dataset read(Path csv, int channels, int height, int width, int classes, Limits limits) throws IOException {
        if (channels < 1 || height < 1 || width < 1 || classes < 0) {
            throw new IllegalArgumentException("a CSV of " + channels + "x" + height + "x" + width + " images with " + classes
                    + " classes");
        }
        String shape = channels + "x" + height + "x" + width;
        byte[] row = new byte[channels * height * width];
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        int[] labels = new int[64];
        int count = 0;
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            boolean first = true;
            for (String line; count < limits.train() && (line = reader.readLine()) != null; ) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String where = csv + ":" + lineNumber;
                int comma = line.indexOf(',');
                String labelText = unquote(comma < 0 ? line : line.substring(0, comma));
                Integer label = wholeNumber(labelText);
                if (first && label == null) {
                    first = false;
                    continue; // the header
                }
                first = false;
                if (label == null || (classes > 0 && label >= classes)) {
                    throw new MalformedDataException(where + ": label '" + labelText + "' is not a whole number in "
                            + (classes > 0 ? "0.." + (classes - 1) : "0 or more"));
                }
                if (comma < 0) {
                    throw new MalformedDataException(where + ": expected a label and " + row.length + " pixel values (" + shape
                            + "), found only one field");
                }
                PixelText.parse(line, comma + 1, ',', row, where, shape);
                limits.checkBytes(csv, (long) (count + 1) * row.length, (count + 1) + " rows of " + shape + " pixels");
                if (count == labels.length) {
                    labels = Arrays.copyOf(labels, 2 * count);
                }
                labels[count++] = label;
                pixels.write(row, 0, row.length);
            }
        }
        if (count == 0) {
            throw new MalformedDataException(csv + ": no rows of a label and " + row.length + " pixel values (" + shape + ")");
        }
        int[] kept = Arrays.copyOf(labels, count);
        int classCount = classes > 0 ? classes : Arrays.stream(kept).max().getAsInt() + 1;
        return Dataset.ofPixels(csv.toString(), pixels.toByteArray(), kept, channels, height, width, classCount);
    }

    /** The value, or null when it is not a whole number from 0 to 9 digits long. */
    private static Integer wholeNumber(String text) {
        if (text.isEmpty() || text.length() > 9) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return null;
            }
        }
        return Integer.parseInt(text);
    }

    /** A CSV field without the spaces and double quotes around it. */
    static String unquote(String field) {
        String trimmed = field.trim();
        return trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")
                ? trimmed.substring(1, trimmed.length() - 1).trim() : trimmed;
    }
}
