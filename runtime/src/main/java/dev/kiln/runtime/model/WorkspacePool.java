package dev.kiln.runtime.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * Workspaces for inference calls that run on their caller's thread, lent out one per call so
 * that any number of threads can predict at once, each in buffers no other call touches.
 *
 * <p>Why a pool and not a {@link ThreadLocal}: a server may run each request on a fresh (or
 * virtual) thread, and a per-thread workspace would then be allocated per request and kept
 * alive by threads that never come back. The pool holds at most {@link #SLOTS} idle workspaces,
 * so once as many workspaces as the peak of concurrent calls exist, and each is as large as
 * the largest call needs, taking and returning one allocates nothing. Until then a call that
 * finds none idle makes one (a server that knows its thread count can {@link #reserve} them
 * first). Beyond {@link #SLOTS} concurrent calls the extra workspaces are made per call and dropped.
 *
 * <p>Lock-free: a slot is claimed by swapping it with null and refilled by a compare-and-set.
 *
 * @param <W> the model's workspace type
 */
final class WorkspacePool<W extends AbstractModel.Workspace> {
    static final int SLOTS = 64;

    private final AtomicReferenceArray<W> idle = new AtomicReferenceArray<>(SLOTS);
    private final IntFunction<W> create;

    /** {@code create} makes a workspace for chunks of up to its argument examples. */
    WorkspacePool(IntFunction<W> create) {
        this.create = create;
    }

    /** A workspace for up to {@code capacity} examples that no other caller holds until {@link #release}. */
    W acquire(int capacity) {
        // Two passes: a workspace released into a slot this scan had already passed (found empty)
        // is found by the second, instead of a new one being made while an idle one waits.
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < SLOTS; i++) {
                if (idle.get(i) != null) {           // a read first: skip empty slots without a write
                    W workspace = idle.getAndSet(i, null);
                    if (workspace != null) {
                        // Too small: replace it by one that fits; the pool's workspaces only grow.
                        return workspace.capacity() >= capacity ? workspace : create.apply(capacity);
                    }
                }
            }
        }
        return create.apply(capacity);
    }

    /** Returns a workspace taken by {@link #acquire}; the caller must not use it any more. */
    void release(W workspace) {
        for (int i = 0; i < SLOTS; i++) {
            if (idle.get(i) == null && idle.compareAndSet(i, null, workspace)) {
                return;
            }
        }
        // every slot is full: more calls ran at once than the pool keeps; let this one go
    }

    /**
     * Makes sure {@code count} workspaces of at least {@code capacity} are idle (at most
     * {@link #SLOTS}), so that the first time that many calls run at once none has to be made.
     */
    void reserve(int count, int capacity) {
        List<W> taken = new ArrayList<>();
        for (int i = 0; i < Math.min(count, SLOTS); i++) {
            taken.add(acquire(capacity));
        }
        taken.forEach(this::release);
    }

    /** Idle workspaces, for tests. */
    int idleCount() {
        int count = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (idle.get(i) != null) {
                count++;
            }
        }
        return count;
    }
}
