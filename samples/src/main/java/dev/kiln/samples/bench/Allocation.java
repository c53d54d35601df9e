package dev.kiln.samples.bench;

import java.lang.management.ManagementFactory;

/** Heap bytes allocated by every thread of this JVM, to check that a training step allocates nothing. */
final class Allocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocation() {}

    /** Total so far over all threads, the model's workers included. */
    static long totalBytes() {
        return THREADS.getTotalThreadAllocatedBytes();
    }

    /** Mean bytes allocated per call of {@code action} over {@code calls} calls (run after a warm-up). */
    static double perCall(Runnable action, int calls) {
        long before = totalBytes();
        for (int i = 0; i < calls; i++) {
            action.run();
        }
        return (double) (totalBytes() - before) / calls;
    }
}
