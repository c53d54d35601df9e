package dev.kiln.benchmarks;

import dev.kiln.runtime.model.AbstractModel;
import dev.kiln.runtime.model.Model;
import java.lang.management.ManagementFactory;

/**
 * Heap bytes allocated by the threads that run a model (the caller and the model's workers), to
 * check that a training step or a prediction allocates nothing.
 *
 * <p>Only those threads are counted: the JVM's own Java threads (JMX notifications, cleaners,
 * JFR) allocate a few dozen bytes a second whatever the model does, which over a short window
 * showed up as a spurious 32 bytes per step when every thread was summed.
 */
final class Allocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocation() {}

    /**
     * Mean bytes allocated per call of {@code action} over {@code calls} calls (run after a
     * warm-up) by the calling thread and, for Kiln's generated models, the model's workers.
     */
    static double perCall(Model model, Runnable action, int calls) {
        long[] workers = model instanceof AbstractModel<?> generated ? generated.workerThreadIds() : new long[0];
        long before = bytes(workers);
        for (int i = 0; i < calls; i++) {
            action.run();
        }
        return (double) (bytes(workers) - before) / calls;
    }

    /** The caller's bytes plus each worker's, read one thread at a time so that reading allocates no array. */
    private static long bytes(long[] workers) {
        long total = THREADS.getCurrentThreadAllocatedBytes();
        for (long id : workers) {
            total += Math.max(0, THREADS.getThreadAllocatedBytes(id));
        }
        return total;
    }
}
