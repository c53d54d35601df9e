package dev.kiln.runtime.model;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.StampedLock;

/**
 * Who may read a model's weights and who may change them: any number of readers (predictions,
 * and the forward and backward passes of a training step) at once, or one writer (an optimizer
 * update, a checkpoint load) alone. A reader always sees the weights and their packed copies in
 * step: a writer repacks what it changed before it lets readers in again, and a reader that finds
 * a stale packed weight (changed with {@link Parameter#markChanged()} outside a write) repacks it
 * as a writer first.
 *
 * <p>A {@link StampedLock}, because taking and releasing a read hold that nobody contends
 * allocates nothing (a {@code ReentrantReadWriteLock} allocates a hold counter per read for all
 * but the first reader). Its read fast path does not look at waiting writers, though: with
 * predictions overlapping each other the read count would never fall to zero and a training
 * step's update would wait forever. So a writer first announces itself ({@link #waitingWriters}),
 * and readers that arrive after that wait until it is done; it only waits for the readers already
 * inside, which wait for nothing.
 *
 * <p>Not reentrant: a thread that holds the weights must not take them again (a prediction inside
 * {@link Model#changeWeights} is refused with an exception instead of waiting for itself).
 */
final class WeightGuard {
    /** Nanoseconds a reader parks between looks while a writer goes first; an update takes milliseconds. */
    private static final long READER_PARK_NANOS = 50_000;

    private final StampedLock lock = new StampedLock();
    private final AtomicInteger waitingWriters = new AtomicInteger();
    private final Runnable repackStale;
    private volatile PackedWeights packed = new PackedWeights();
    /** The thread holding the write hold, to refuse it a read instead of deadlocking. */
    private volatile Thread writer;

    /** {@code repackStale} packs every stale packed weight whole and marks them packed; it runs under the write hold. */
    WeightGuard(Runnable repackStale) {
        this.repackStale = repackStale;
    }

    /** Set once by the model's constructor, before any other thread can see the model. */
    void setPacked(PackedWeights packed) {
        this.packed = packed;
    }

    PackedWeights packed() {
        return packed;
    }

    /**
     * Waits for a read hold under which every packed weight the reader needs is current (with
     * {@code forPrediction}, also the forms only predictions read), repacking first if needed.
     * Returns the stamp for {@link #endRead}.
     */
    long beginRead(boolean forPrediction) {
        if (writer == Thread.currentThread()) {
            throw new IllegalStateException("the model's weights are being changed by this thread (inside changeWeights);"
                    + " predict or train after the change returns");
        }
        while (true) {
            if (packed.anyStale(forPrediction)) {
                long write = beginWrite();
                try {
                    if (forPrediction) {
                        packed.packStaleForPrediction();
                    }
                } finally {
                    endWrite(write);             // repacks the rest
                }
            }
            awaitNoWaitingWriter();
            long stamp = lock.readLock();
            if (!packed.anyStale(forPrediction)) {
                return stamp;
            }
            lock.unlockRead(stamp);              // changed since the check above: repack again
        }
    }

    void endRead(long stamp) {
        lock.unlockRead(stamp);
    }

    /** Waits until no reader or writer holds the weights and takes them alone; new readers wait meanwhile. */
    long beginWrite() {
        if (writer == Thread.currentThread()) {
            throw new IllegalStateException("changeWeights called inside changeWeights");
        }
        waitingWriters.incrementAndGet();
        long stamp;
        try {
            stamp = lock.writeLock();
        } finally {
            waitingWriters.decrementAndGet();    // readers still wait for the write hold itself
        }
        writer = Thread.currentThread();
        return stamp;
    }

    /** Repacks whatever the writer changed (and announced by {@link Parameter#markChanged()}), then lets others in. */
    void endWrite(long stamp) {
        try {
            if (packed.anyStale(false)) {
                repackStale.run();
            }
        } finally {
            writer = null;
            lock.unlockWrite(stamp);
        }
    }

    /** Lets an announced writer go first; allocation-free (parking with a timeout needs no node). */
    private void awaitNoWaitingWriter() {
        for (int spin = 0; waitingWriters.get() > 0; spin++) {
            if (spin < 64) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, READER_PARK_NANOS);
            }
        }
    }
}
