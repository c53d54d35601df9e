package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.kernels.ConvGeometry;
import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.kernels.ScalarKernels;
import dev.kiln.runtime.kernels.VectorKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WeightGuardTest {

    /** Readers that overlap without a gap (as busy predictions do) must not keep a writer out forever. */
    @Test
    void aWriterGetsInWhileReadersKeepOverlapping() throws Exception {
        WeightGuard guard = new WeightGuard(() -> {});
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger insideDuringWrite = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                readers.add(threads.submit(() -> {
                    while (!stop.get()) {
                        long stamp = guard.beginRead(true);
                        if (writing.get()) {
                            insideDuringWrite.incrementAndGet();
                        }
                        Thread.sleep(1);
                        guard.endRead(stamp);
                    }
                    return null;
                }));
            }
            Thread.sleep(50);
            Future<?> writer = threads.submit(() -> {
                long stamp = guard.beginWrite();
                writing.set(true);
                Thread.sleep(5);
                writing.set(false);
                guard.endWrite(stamp);
                return null;
            });
            writer.get(20, TimeUnit.SECONDS);
            stop.set(true);
            for (Future<?> reader : readers) {
                reader.get(20, TimeUnit.SECONDS);
            }
            assertEquals(0, insideDuringWrite.get(), "readers inside while the writer held the weights");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void readingInsideOnesOwnWriteIsRefused() {
        WeightGuard guard = new WeightGuard(() -> {});
        long stamp = guard.beginWrite();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> guard.beginRead(true));
        assertTrue(e.getMessage().contains("inside changeWeights"), e.getMessage());
        assertThrows(IllegalStateException.class, guard::beginWrite);
        guard.endWrite(stamp);
        guard.endRead(guard.beginRead(true));
    }

    /** Weights changed outside a write: the first of many readers repacks them, once, before anyone reads. */
    @Test
    void aStalePackedWeightIsRepackedOnceBeforeAnyRead() throws Exception {
        Parameter weight = new Parameter("w", new int[] {3, 2}, null, true, 0f);
        PackedWeights packed = new PackedWeights(PackedWeight.dense(new ScalarKernels(), weight, 2, 3));
        AtomicInteger repacks = new AtomicInteger();
        WeightGuard guard = new WeightGuard(() -> {
            repacks.incrementAndGet();
            packed.packStale(0, 1);
            packed.markPacked();
        });
        guard.setPacked(packed);
        guard.endWrite(guard.beginWrite());
        assertEquals(1, repacks.get());
        weight.markChanged();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> reads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                reads.add(threads.submit(() -> {
                    go.await();
                    long stamp = guard.beginRead(true);
                    boolean current = !packed.anyStale(true);
                    guard.endRead(stamp);
                    return current;
                }));
            }
            go.countDown();
            for (Future<Boolean> read : reads) {
                assertTrue(read.get(20, TimeUnit.SECONDS), "a reader saw a stale packed weight");
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(2, repacks.get());
    }

    /**
     * A convolution's form for predictions is left stale by training reads and writes (a training
     * step must not pay for it), and packed by the first prediction, from the current weight.
     */
    @Test
    void onlyPredictionsPackThePredictionForm() {
        ConvGeometry g = new ConvGeometry(16, 6, 6, 16, 3, 3, 1, 1, 1, 6, 6);
        Kernels kernels = new VectorKernels();
        Parameter weight = new Parameter("w", new int[] {16, 16, 3, 3}, null, true, 0f);
        float[] values = weight.value();
        for (int i = 0; i < values.length; i++) {
            values[i] = (i % 7) * 0.25f - 0.75f;
        }
        weight.markChanged();
        PackedWeight.Conv conv = PackedWeight.conv(kernels, weight, g);
        assertTrue(conv.inferenceValues().length > 0, "VectorKernels has an F(4x4, 3x3) form for " + g);
        PackedWeights packed = new PackedWeights(conv);
        WeightGuard guard = new WeightGuard(() -> {
            packed.packStale(0, 1);
            packed.markPacked();
        });
        guard.setPacked(packed);

        guard.endRead(guard.beginRead(false));
        assertFalse(packed.anyStale(false));
        assertTrue(conv.inferenceStale(), "a training read packed the prediction form");
        guard.endWrite(guard.beginWrite());
        assertTrue(conv.inferenceStale(), "a write packed the prediction form");

        guard.endRead(guard.beginRead(true));
        assertFalse(packed.anyStale(true));
        float[] expected = new float[kernels.packedConvInferenceSize(g)];
        kernels.packConvInferenceWeights(g, values, expected);
        assertArrayEquals(expected, conv.inferenceValues());

        values[0] = 3f;
        weight.markChanged();
        guard.endRead(guard.beginRead(true));
        kernels.packConvInferenceWeights(g, values, expected);
        assertArrayEquals(expected, conv.inferenceValues(), "repacked from the changed weight");
    }
}
