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
                String usage = CsvFormat.unquote(fields[2]);
                int part = USAGES.indexOf(usage);
                if (part < 0) {
                    throw new MalformedDataException(where + ": Usage '" + usage + "' is not one of " + USAGES);
                }
                if (parts[part].full()) {
                    continue;
                }
                int emotion = parseEmotion(CsvFormat.unquote(fields[0]), where);
                PixelText.parse(CsvFormat.unquote(fields[1]), 0, ' ', row, where, SIDE + "x" + SIDE);
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
