package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void everyWorkerRunsEachTaskOnceAndTheCallerIsWorkerZero() {
        for (int threads : new int[] {1, 2, 3}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                AtomicIntegerArray runs = new AtomicIntegerArray(threads);
                Thread[] ran = new Thread[threads];
                for (int round = 0; round < 2_000; round++) {
                    pool.run(worker -> {
                        runs.incrementAndGet(worker);
                        ran[worker] = Thread.currentThread();
                    });
                }
                for (int w = 0; w < threads; w++) {
                    assertEquals(2_000, runs.get(w), "worker " + w + " of " + threads);
                }
                assertSame(Thread.currentThread(), ran[0]);
                assertEquals(threads - 1, pool.threadIds().length);
            }
        }
    }

    @Test
    void resultsWrittenByWorkersAreVisibleAfterRun() {
        try (WorkerPool pool = new WorkerPool(2)) {
            long[] sums = new long[2];
            for (int round = 1; round <= 500; round++) {
                int value = round;
                pool.run(worker -> sums[worker] = value * (worker + 1L));
                assertArrayEquals(new long[] {round, 2L * round}, sums);
            }
        }
    }

    @Test
    void aWorkersFailureIsRethrownAndThePoolKeepsWorking() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run(worker -> {
                if (worker == 1) {
                    throw new IllegalStateException("boom");
                }
            }));
            assertEquals("boom", e.getMessage());
            int[] seen = new int[2];
            pool.run(worker -> seen[worker]++);
            assertArrayEquals(new int[] {1, 1}, seen);
        }
    }

    @Test
    void aClosedPoolRefusesWork() {
        WorkerPool pool = new WorkerPool(2);
        pool.close();
        assertThrows(IllegalStateException.class, () -> pool.run(worker -> {}));
    }

    @Test
    void aSecondCallerWhileATaskRunsIsRefusedAndTheFirstFinishes() throws Exception {
        try (WorkerPool pool = new WorkerPool(2)) {
            java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch refused = new java.util.concurrent.CountDownLatch(1);
            int[] ran = new int[2];
            Thread first = new Thread(() -> pool.run(worker -> {
                if (worker == 0) {
                    inside.countDown();
                    try {
                        refused.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                ran[worker]++;
            }));
            first.start();
            inside.await();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run(worker -> {}));
            assertEquals("this worker pool is already running a task; it serves one caller at a time", e.getMessage());
            refused.countDown();
            first.join(10_000);
            assertArrayEquals(new int[] {1, 1}, ran);
            pool.run(worker -> ran[worker]++);        // usable again
            assertArrayEquals(new int[] {2, 2}, ran);
        }
    }
}
