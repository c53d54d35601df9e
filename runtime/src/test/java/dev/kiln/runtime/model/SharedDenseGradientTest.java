package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.kernels.Kernels;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SharedDenseGradientTest {
    private static final int IN = 512, OUT = 256;       // 131,072 weights: just large enough to share
    private final Kernels kernels = KernelProvider.get();
    private final Parameter weight = new Parameter("fc.weight", new int[] {OUT, IN}, null, true, 0f);
    private final Parameter bias = new Parameter("fc.bias", new int[] {OUT}, null, true, 0f);
    private final List<Parameter> parameters = List.of(weight, bias);

    private ThreadGradients gradients(int workers) {
        return new ThreadGradients(parameters, workers, List.of((PackedWeight.Dense) PackedWeight.dense(kernels, weight, IN, OUT)));
    }

    /** n floats in [-0.5, 0.5) from seed; the shared dense layers' tests use it too. */
    static float[] random(int n, long seed) {
        Random rnd = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextFloat() - 0.5f;
        }
        return a;
    }

    @Test
    void onlyALargeTrainedLayerIsShared() {
        // One worker too: its one part is the whole gradient, written, so nothing clears it first.
        assertSame(weight, gradients(1).sharedGradient(weight).weight(), "one worker");
        assertSame(weight, gradients(2).sharedGradient(weight).weight());
        assertSame(weight.grad(), gradients(2).of(1)[0], "no per-thread buffer for a shared weight");
        assertNull(gradients(2).sharedGradient(bias), "the bias stays with the chunks");
        Parameter small = new Parameter("small", new int[] {OUT, IN / 2}, null, true, 0f);
        ThreadGradients withSmall = new ThreadGradients(List.of(small), 2,
                List.of((PackedWeight.Dense) PackedWeight.dense(kernels, small, IN / 2, OUT)));
        assertNull(withSmall.sharedGradient(small), "65,536 weights");
    }

    @Test
    void workersSharingALayerGiveTheBitsOfOneCallOverTheBatch() {
        for (int batch : new int[] {1, 5, 64}) {        // 1: the first worker has no rows
            float[] x = random(batch * IN, batch), dz = random(batch * OUT, batch + 1);
            float[] expected = new float[IN * OUT];
            kernels.denseBackwardWeightRows(batch, IN, OUT, x, 0, dz, 0, expected, 0, IN, true);

            java.util.Arrays.fill(weight.grad(), 1f);    // the last step's gradient: written over, not cleared
            ThreadGradients gradients = gradients(2);
            gradients.beginStep(batch);
            try (WorkerPool pool = new WorkerPool(2)) {
                pool.run(worker -> {
                    gradients.clearSlice(worker);
                    int first = ThreadGradients.sliceStart(batch, worker, 2), rows = ThreadGradients.sliceStart(batch, worker + 1, 2) - first;
                    if (rows == 0) {
                        return;
                    }
                    gradients.awaitCleared();
                    gradients.sharedGradient(weight).contribute(rows, first, x, first * IN, dz, first * OUT);
                    gradients.addSharedGradients(kernels, first);
                });
            }
            assertArrayEquals(expected, weight.grad(), "batch " + batch);
        }
    }

    @Test
    void aWorkerThatFailsDoesNotLeaveTheOtherWaiting() {
        ThreadGradients gradients = gradients(2);
        gradients.beginStep(4);
        float[] x = random(4 * IN, 1), dz = random(4 * OUT, 2);
        IllegalStateException thrown = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (WorkerPool pool = new WorkerPool(2)) {
                return assertThrows(IllegalStateException.class, () -> pool.run(worker -> {
                    if (worker == 1) {
                        IllegalArgumentException failure = new IllegalArgumentException("worker 1 failed in its forward pass");
                        gradients.breakShared(failure);
                        throw failure;
                    }
                    gradients.sharedGradient(weight).contribute(2, 0, x, 0, dz, 0);
                    gradients.addSharedGradients(kernels, 0);
                }));
            }
        });
        assertEquals("worker 1 failed in its forward pass", thrown.getCause().getMessage());
    }
}
