package dev.kiln.runtime.data;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads facial-expression data in the FER-2013 CSV layout: rows {@code emotion,pixels,Usage}, where
 * emotion is 0..6, pixels are 48 * 48 = 2304 space-separated gray values 0..255 (row by row) and
 * Usage is Training, PublicTest or PrivateTest. A header row is optional. The file is read one line
 * at a time; every problem is reported with the file name and line number.
 */
public final class Fer2013Csv {
    public static final int SIDE = 48;
    public static final int PIXELS = SIDE * SIDE;
    public static final List<String> EMOTIONS = List.of("Angry", "Disgust", "Fear", "Happy", "Sad", "Surprise", "Neutral");
    private static final List<String> USAGES = List.of("Training", "PublicTest", "PrivateTest");

    /** The three parts of the file, each 1 x 48 x 48 with 7 classes (empty when the file has no such rows). */
    public record Sets(Dataset training, Dataset publicTest, Dataset privateTest) {
    }

    private Fer2013Csv() {
    }

    public static Sets read(Path csv) throws IOException {
        return read(csv, Limits.NONE);
    }

    /**
     * Keeps the first {@code limits.train()} Training rows and the first {@code limits.test()} rows
     * of each test part. The rows past a limit are still checked for their field count and Usage,
     * but their pixels are neither parsed nor kept.
     */
    public static Sets read(Path csv, Limits limits) throws IOException {
        Part[] parts = {new Part(limits.train()), new Part(limits.test()), new Part(limits.test())};
        byte[] row = new byte[PIXELS];
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                lineNumber++;
                if (line.isBlank() || (lineNumber == 1 && line.trim().toLowerCase(java.util.Locale.ROOT).startsWith("emotion"))) {
                    continue;
                }
                String where = csv + ":" + lineNumber;
                String[] fields = line.split(",", -1);
                if (fields.length != 3) {
                    throw new MalformedDataException(where + ": expected 3 fields (emotion,pixels,Usage), found " + fields.length);
                }
                String usage = unquote(fields[2]);
                int part = USAGES.indexOf(usage);
                if (part < 0) {
                    throw new MalformedDataException(where + ": Usage '" + usage + "' is not one of " + USAGES);
                }
                if (parts[part].full()) {
                    continue;
                }
                int emotion = parseEmotion(unquote(fields[0]), where);
                parsePixels(unquote(fields[1]), row, where);
                parts[part].add(emotion, row);
            }
        }
        String name = csv.getFileName().toString();
        return new Sets(parts[0].toDataset(name + " Training"), parts[1].toDataset(name + " PublicTest"),
                parts[2].toDataset(name + " PrivateTest"));
    }

    private static int parseEmotion(String text, String where) throws MalformedDataException {
        try {
            int emotion = Integer.parseInt(text);
            if (emotion >= 0 && emotion < EMOTIONS.size()) {
                return emotion;
            }
        } catch (NumberFormatException e) {
            // reported below with the valid range
        }
        throw new MalformedDataException(where + ": emotion '" + text + "' is not a number in 0.." + (EMOTIONS.size() - 1));
    }

    /** Parses space-separated values 0..255 into {@code row} without creating a string per value. */
    private static void parsePixels(String text, byte[] row, String where) throws MalformedDataException {
        int count = 0;
        int i = 0;
        int length = text.length();
        while (true) {
            while (i < length && text.charAt(i) == ' ') {
                i++;
            }
            if (i == length) {
                break;
            }
            int start = i;
            int value = 0;
            while (i < length && text.charAt(i) != ' ') {
                char c = text.charAt(i);
                if (c < '0' || c > '9' || value > 255) {
                    int end = text.indexOf(' ', start);
                    throw new MalformedDataException(where + ": pixel " + (count + 1) + " is '"
                            + text.substring(start, end < 0 ? length : end) + "', not a whole number in 0..255");
                }
                value = value * 10 + (c - '0');
                i++;
            }
            if (value > 255) {
                throw new MalformedDataException(where + ": pixel " + (count + 1) + " is " + value + ", outside 0..255");
            }
            if (count == PIXELS) {
                throw new MalformedDataException(where + ": more than " + PIXELS + " pixel values (48x48)");
            }
            row[count++] = (byte) value;
            if (i - start > 3) {
                throw new MalformedDataException(where + ": pixel " + count + " is '" + text.substring(start, i)
                        + "', not a whole number in 0..255");
            }
        }
        if (count != PIXELS) {
            throw new MalformedDataException(where + ": expected " + PIXELS + " pixel values (48x48), found " + count);
        }
    }

    private static String unquote(String field) {
        String trimmed = field.trim();
        return trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")
                ? trimmed.substring(1, trimmed.length() - 1).trim() : trimmed;
    }

    /** The rows of one Usage, growing as they are read. */
    private static final class Part {
        private final ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        private final int limit;
        private int[] labels = new int[64];
        private int count;

        Part(int limit) {
            this.limit = limit;
        }

        boolean full() {
            return count == limit;
        }

        void add(int emotion, byte[] row) {
            if (count == labels.length) {
                labels = Arrays.copyOf(labels, 2 * count);
            }
            labels[count++] = emotion;
            pixels.write(row, 0, row.length);
        }

        Dataset toDataset(String name) {
            return Dataset.ofPixels(name, pixels.toByteArray(), Arrays.copyOf(labels, count), 1, SIDE, SIDE, EMOTIONS.size());
        }
    }
}
