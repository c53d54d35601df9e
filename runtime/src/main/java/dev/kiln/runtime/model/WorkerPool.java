package dev.kiln.runtime.model;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of daemon worker threads that run one task at a time, each worker with its index.
 * The calling thread is worker 0, so a pool of one thread starts no thread at all.
 *
 * <p>Handing over a task allocates nothing: the task object is the caller's, and workers wait by
 * spinning briefly and then parking, woken by a generation counter and {@code unpark}. That keeps
 * a steady-state training step free of allocation, which an executor (futures, queue nodes)
 * would not be.
 *
 * <p>One caller at a time: the task, the counter and the caller to wake are single fields, so a
 * second caller would overwrite the first one's. Its owner serializes its calls (a model holds a
 * lock around every use); a second caller that comes anyway is refused with an exception instead
 * of corrupting the running task.
 */
public final class WorkerPool implements AutoCloseable {

    /** Work for one worker; the same object runs on every worker with its index. */
    @FunctionalInterface
    public interface Task {
        void run(int worker);
    }

    /** Spins before parking: a step's phases follow each other within microseconds. */
    private static final int SPINS = 1 << 12;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Task task;
    private volatile long generation;
    private volatile boolean closed;
    private volatile Thread caller;

    /** A pool of {@code threads} workers: the caller plus {@code threads - 1} daemon threads. */
    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        workers = new Thread[threads - 1];
        int pool = POOLS.incrementAndGet();
        for (int i = 0; i < workers.length; i++) {
            int index = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("kiln-worker-" + pool + "-" + index)
                    .unstarted(() -> work(index));
            workers[i].start();
        }
    }

    public int size() {
        return workers.length + 1;
    }

    /**
     * Runs {@code task} on every worker (index 0 on the calling thread) and returns when all have
     * finished. A failure on any worker is rethrown here once all have finished.
     *
     * @throws IllegalStateException when the pool is closed, or already running a task (for
     *     another thread, or this task calling back into its own pool)
     */
    public void run(Task task) {
        if (closed) {
            throw new IllegalStateException("the worker pool is closed");
        }
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("this worker pool is already running a task; it serves one caller at a time");
        }
        try {
            runAlone(task);
        } finally {
            running.set(false);
        }
    }

    private void runAlone(Task task) {
        if (workers.length == 0) {
            task.run(0);
            return;
        }
        caller = Thread.currentThread();
        this.task = task;
        pending.set(workers.length);
        generation = generation + 1;              // publishes task; only the caller writes it
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        Throwable own = null;
        try {
            task.run(0);
        } catch (Throwable t) {
            own = t;
        }
        awaitWorkers();
        Throwable other = failure.getAndSet(null);
        if (own != null) {
            rethrow(own);
        }
        if (other != null) {
            rethrow(other);
        }
    }

    private void awaitWorkers() {
        for (int spin = 0; pending.get() > 0; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    private void work(int index) {
        long seen = 0;
        while (true) {
            for (int spin = 0; generation == seen && !closed; spin++) {
                if (spin < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                task.run(index);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    /** Whether {@link #close()} was called; {@link #run} then refuses. */
    public boolean isClosed() {
        return closed;
    }

    /** Ids of the worker threads (not the caller's), e.g. for allocation measurements. */
    public long[] threadIds() {
        long[] ids = new long[workers.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = workers[i].threadId();
        }
        return ids;
    }

    /** Stops the worker threads; they exit once they see the flag. */
    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }
}
