package dev.kiln.cli;

import java.util.Locale;

/**
 * Refuses a {@code --threads} that can only cost memory. Every worker thread of a model keeps its
 * own copy of the gradients (13 MB for tf-mnist), while threads beyond the examples of a batch get
 * no work, and threads beyond a few per processor only take turns.
 */
final class ThreadLimit {
    /** Threads per available processor that may still help, e.g. on a machine whose count the JVM underestimates. */
    static final int PER_PROCESSOR = 4;

    private ThreadLimit() {}

    /**
     * Fails, with the limit and its reason, when {@code threads} is below 1 or above both
     * {@code PER_PROCESSOR * processors} and {@code batchSize}'s smaller one.
     */
    static void check(int threads, int batchSize, String network, long parameters, int processors) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads " + threads + " is not a thread count; give 1 or more");
        }
        int byProcessors = PER_PROCESSOR * processors;
        int limit = Math.min(byProcessors, batchSize);
        if (threads <= limit) {
            return;
        }
        String reason = batchSize <= byProcessors
                ? String.format(Locale.ROOT, "a batch of %d examples gives at most %d threads work", batchSize, batchSize)
                : String.format(Locale.ROOT, "this machine has %d processor%s, and more than %d threads per processor only"
                        + " take turns", processors, processors == 1 ? "" : "s", PER_PROCESSOR);
        double perThread = parameters * (double) Float.BYTES;
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "--threads %d is more than %s can use: at most %d, because %s. Every thread keeps its own gradients"
                        + " (%s for %s), so %d threads would hold %s of them for nothing",
                threads, network, limit, reason, bytes(perThread), network, threads, bytes(perThread * threads)));
    }

    /** "13.1 MB", "13.1 GB". */
    private static String bytes(double bytes) {
        return bytes >= 1e9 ? String.format(Locale.ROOT, "%.1f GB", bytes / 1e9) : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
