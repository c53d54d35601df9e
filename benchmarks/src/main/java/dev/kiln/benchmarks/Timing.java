package dev.kiln.benchmarks;

import java.util.Arrays;

/** Median time of repeated calls, after a warm-up, the way the PyTorch peer measures. */
final class Timing {
    private Timing() {}

    /**
     * Median seconds per call of {@code action} over at least {@code minCalls} calls and
     * {@code seconds} of wall time, after {@code warmupSeconds} of untimed calls (so the kernels
     * run C2-compiled code when timed).
     */
    static double medianSeconds(Runnable action, double warmupSeconds, double seconds, int minCalls) {
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        do {
            action.run();
        } while (System.nanoTime() < warmupEnd);

        double[] samples = new double[16];
        int count = 0;
        long start = System.nanoTime();
        while (count < minCalls || System.nanoTime() - start < seconds * 1e9) {
            long t0 = System.nanoTime();
            action.run();
            long t1 = System.nanoTime();
            if (count == samples.length) {
                samples = Arrays.copyOf(samples, count * 2);
            }
            samples[count++] = (t1 - t0) / 1e9;
        }
        return median(Arrays.copyOf(samples, count));
    }

    /** The middle value, or the mean of the two middle values of an even count. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
