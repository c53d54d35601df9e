package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkspacePoolTest {
    private static final ModelInfo INFO = new ModelInfo("T", "T", "T", 1, 2, 2, 3, 0, 0);

    static final class Buffers extends AbstractModel.Workspace {
        final float[] logits;

        Buffers(int capacity) {
            super(capacity, INFO);
            logits = new float[capacity * 3];
        }

        @Override
        protected float[] logits() {
            return logits;
        }

        @Override
        protected float[] dLogits() {
            return logits;
        }

        @Override
        protected float[] layerOutput(int layer) {
            return logits;
        }
    }

    /** A pool whose every new workspace is counted in {@code created}. */
    private static WorkspacePool<Buffers> countingPool(AtomicInteger created) {
        return new WorkspacePool<>(capacity -> {
            created.incrementAndGet();
            return new Buffers(capacity);
        });
    }

    @Test
    void eachHolderHasItsOwnWorkspaceAndReturnedOnesAreReused() {
        AtomicInteger created = new AtomicInteger();
        WorkspacePool<Buffers> pool = countingPool(created);
        Buffers a = pool.acquire(1), b = pool.acquire(1);
        assertNotSame(a, b);
        pool.release(a);
        pool.release(b);
        assertEquals(2, pool.idleCount());
        for (int i = 0; i < 100; i++) {
            Buffers c = pool.acquire(1), d = pool.acquire(1);
            assertNotSame(c, d);
            pool.release(d);
            pool.release(c);
        }
        assertEquals(2, created.get(), "steady use creates nothing");
    }

    @Test
    void aTooSmallWorkspaceIsReplacedByOneThatFits() {
        WorkspacePool<Buffers> pool = new WorkspacePool<>(Buffers::new);
        Buffers small = pool.acquire(1);
        pool.release(small);
        Buffers big = pool.acquire(8);
        assertEquals(8, big.capacity());
        pool.release(big);
        assertSame(big, pool.acquire(1), "the bigger one serves smaller calls");
    }

    @Test
    void beyondItsSlotsThePoolDropsWhatItCannotKeep() {
        WorkspacePool<Buffers> pool = new WorkspacePool<>(Buffers::new);
        List<Buffers> held = new ArrayList<>();
        for (int i = 0; i < WorkspacePool.SLOTS + 5; i++) {
            held.add(pool.acquire(1));
        }
        held.forEach(pool::release);
        assertEquals(WorkspacePool.SLOTS, pool.idleCount());
        assertTrue(held.stream().distinct().count() == held.size());
    }

    @Test
    void reservedWorkspacesServeThatManyHoldersWithoutMakingMore() {
        AtomicInteger created = new AtomicInteger();
        WorkspacePool<Buffers> pool = countingPool(created);
        pool.reserve(5, 1);
        assertEquals(5, created.get());
        List<Buffers> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(pool.acquire(1));
        }
        assertEquals(5, created.get(), "five holders at once found reserved workspaces");
        held.forEach(pool::release);
    }
}
