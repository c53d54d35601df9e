package dev.kiln.runtime.model;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-shot barrier inside one task of a {@link WorkerPool}: each worker {@link #arrive}s and
 * then {@link #await}s the others. The phases it separates last microseconds, so it spins
 * instead of parking, and allocates nothing. {@link #reset()} before the task runs.
 *
 * <p>A worker that fails before it arrives {@link #breakWith breaks} the barrier, and every
 * waiter then throws instead of waiting for it forever.
 */
final class SpinBarrier {
    private final AtomicInteger arrived = new AtomicInteger();
    private volatile Throwable broken;

    void reset() {
        arrived.set(0);
        broken = null;
    }

    void arrive() {
        arrived.incrementAndGet();
    }

    /** A worker failed: whoever waits, or will, throws with {@code cause} as the cause. */
    void breakWith(Throwable cause) {
        broken = cause;
    }

    /**
     * Waits until {@code parties} workers have arrived.
     *
     * @throws IllegalStateException when a worker broke the barrier
     */
    void await(int parties) {
        for (int spin = 0; arrived.get() < parties; spin++) {
            Throwable cause = broken;
            if (cause != null) {
                throw new IllegalStateException("another worker of this step failed", cause);
            }
            if ((spin & 1023) == 1023) {
                Thread.yield();                   // a worker may not be scheduled yet on a busy machine
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
