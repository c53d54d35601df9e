package dev.kiln.runtime.model;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-shot barrier inside one task of a {@link WorkerPool}: each worker {@link #arrive}s and
 * then {@link #await}s the others. The phases it separates last microseconds, so it spins
 * instead of parking, and allocates nothing. {@link #reset()} before the task runs.
 */
final class SpinBarrier {
    private final AtomicInteger arrived = new AtomicInteger();

    void reset() {
        arrived.set(0);
    }

    void arrive() {
        arrived.incrementAndGet();
    }

    /** Waits until {@code parties} workers have arrived. */
    void await(int parties) {
        for (int spin = 0; arrived.get() < parties; spin++) {
            if ((spin & 1023) == 1023) {
                Thread.yield();                   // a worker may not be scheduled yet on a busy machine
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
