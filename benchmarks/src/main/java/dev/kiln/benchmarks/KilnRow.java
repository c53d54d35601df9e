package dev.kiln.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One of Kiln's figure sets in a benchmark round: training (batch > 0: images/s, NaN, heap bytes per
 * step) or inference (batch 0: 1-image latency in µs, batch-256 images/s, heap bytes per prediction).
 * A round runs in its own JVM ({@link KilnRounds}) and sends its rows to the benchmark as lines.
 */
record KilnRow(int threads, int batch, double first, double second, double third) {
    private static final String TAG = "kiln-row";

    /** The row as one tab-separated line, every double exact. */
    String toLine() {
        return String.join("\t", TAG, Integer.toString(threads), Integer.toString(batch),
                Double.toString(first), Double.toString(second), Double.toString(third));
    }

    /** Whether line is a row that {@link #toLine} wrote. */
    static boolean isRow(String line) {
        return line.startsWith(TAG + "\t");
    }

    static KilnRow parse(String line) {
        String[] f = line.split("\t");
        if (f.length != 6 || !f[0].equals(TAG)) {
            throw new IllegalArgumentException("not a Kiln benchmark row: '" + line + "'");
        }
        return new KilnRow(Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]));
    }

    /** Row by row, the median of each speed over the rounds and the most bytes any round allocated. */
    static List<KilnRow> medians(List<List<KilnRow>> rounds) {
        List<KilnRow> combined = new ArrayList<>();
        for (int i = 0; i < rounds.get(0).size(); i++) {
            int index = i;
            KilnRow row = rounds.get(0).get(i);
            combined.add(new KilnRow(row.threads, row.batch,
                    Timing.median(rounds.stream().mapToDouble(r -> r.get(index).first).toArray()),
                    Timing.median(rounds.stream().mapToDouble(r -> r.get(index).second).toArray()),
                    rounds.stream().mapToDouble(r -> r.get(index).third).max().orElse(Double.NaN)));
        }
        return combined;
    }

    /** A training row's heap bytes per step, "0 B (batch 64, 2 threads)", for the allocation line of the report. */
    String describeTraining() {
        return String.format(Locale.ROOT, "%.0f B (batch %d, %d thread%s)", third, batch, threads, threads == 1 ? "" : "s");
    }
}
