package dev.kiln.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * How much of the machine's CPU time the hypervisor gave to other guests while something was
 * measured: the "steal" column of Linux's {@code /proc/stat}. On a shared virtual machine a figure
 * taken while a tenth of the CPU time was stolen is not comparable with one taken on a quiet
 * machine, and a thread count that needs both vCPUs suffers most: the benchmark prints the share
 * beside each side's figures so that such a run can be recognised rather than mistaken for a
 * change in speed.
 *
 * <p>Counts accumulate over several measured intervals ({@link #start()}, {@link #stop()}), so the
 * rounds of one side, interleaved with the other's, add up to one share.
 */
final class StolenTime {
    private static final Path PROC_STAT = Path.of("/proc/stat");

    private long stolen;
    private long total;
    private long[] started;
    private boolean unavailable;

    /** Starts an interval; {@link #stop()} ends it. */
    void start() {
        started = read().orElse(null);
        unavailable |= started == null;
    }

    /** Ends the interval {@link #start()} began and adds its counts. */
    void stop() {
        Optional<long[]> now = read();
        if (started == null || now.isEmpty()) {
            unavailable = true;
            return;
        }
        stolen += now.get()[0] - started[0];
        total += now.get()[1] - started[1];
        started = null;
    }

    /** The share of CPU time stolen over every interval, as a percentage; empty where /proc/stat could not be read. */
    Optional<Double> percent() {
        return unavailable || total <= 0 ? Optional.empty() : Optional.of(100.0 * stolen / total);
    }

    /** {@link #percent()} for a table: "3.2%", or "n/a". */
    String describe() {
        return percent().map(p -> String.format(Locale.ROOT, "%.1f%%", p)).orElse("n/a");
    }

    /** {stolen, total} jiffies of all CPUs so far, from the first line of /proc/stat. */
    private static Optional<long[]> read() {
        try {
            return parse(Files.readAllLines(PROC_STAT).get(0));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * {stolen, total} from the aggregate line "cpu user nice system idle iowait irq softirq steal
     * [guest guest_nice]": steal is the eighth count. Guest time is already inside user and nice,
     * so the total is the sum of the first eight.
     */
    static Optional<long[]> parse(String line) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 9 || !fields[0].equals("cpu")) {
            return Optional.empty();
        }
        long total = 0;
        for (int i = 1; i <= 8; i++) {
            total += Long.parseLong(fields[i]);
        }
        return Optional.of(new long[] {Long.parseLong(fields[8]), total});
    }
}
