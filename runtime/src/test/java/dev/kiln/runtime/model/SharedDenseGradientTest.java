package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.kernels.ScalarKernels;
import dev.kiln.runtime.optim.Adam;
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
        return new ThreadGradients(parameters, workers, List.of((PackedWeight.Dense) PackedWeight.dense(kernels, weight, IN, OUT)),
                kernels);
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
                List.of((PackedWeight.Dense) PackedWeight.dense(kernels, small, IN / 2, OUT)), kernels);
        assertNull(withSmall.sharedGradient(small), "65,536 weights");
    }

    /** Written by the backward pass (gradients kept) or by the reduction for an optimizer of whole steps. */
    @Test
    void workersSharingALayerGiveTheBitsOfOneCallOverTheBatch() {
        for (boolean inBackward : new boolean[] {true, false}) {
            for (int batch : new int[] {1, 5, 64}) {        // 1: the first worker has no rows
                float[] x = random(batch * IN, batch), dz = random(batch * OUT, batch + 1);
                float[] expected = new float[IN * OUT];
                kernels.denseBackwardWeightRows(batch, IN, OUT, x, 0, dz, 0, expected, 0, IN, true);

                java.util.Arrays.fill(weight.grad(), 1f);    // the last step's gradient: written over, not cleared
                ThreadGradients gradients = gradients(2);
                gradients.beginStep(batch, inBackward);
                try (WorkerPool pool = new WorkerPool(2)) {
                    pool.run(worker -> contribute(gradients, weight, IN, OUT, batch, 2, worker, x, dz));
                    pool.run(gradients::reduceSlice);
                }
                assertArrayEquals(expected, weight.grad(), (inBackward ? "in the backward pass" : "in the reduction") + ", batch " + batch);
            }
        }
    }

    @Test
    void aWorkerThatFailsDoesNotLeaveTheOtherWaiting() {
        ThreadGradients gradients = gradients(2);
        gradients.beginStep(4, true);
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
                    gradients.writeSharedGradients(0);
                }));
            }
        });
        assertEquals("worker 1 failed in its forward pass", thrown.getCause().getMessage());
    }

    /**
     * The update computes a shared weight's gradient a block of rows at a time and applies each
     * block, or, kept, applies what the backward pass wrote: the weights, and their packed copy,
     * must be those of one step on the whole gradient either way, on any worker count, with vector
     * and scalar kernels; only a kept gradient can be read afterwards. 279 outputs end in a single
     * vector and a partial one at 512 bits.
     */
    @Test
    void theUpdateAppliesTheGradientBlockByBlockAsOneStepOnTheWholeGradient() {
        int in = 480, out = 279;                        // 133,920 weights
        for (Kernels k : List.of(kernels, new ScalarKernels())) {
            for (int workers : new int[] {1, 2, 3}) {
                for (int batch : new int[] {2, 64}) {
                    for (boolean store : new boolean[] {true, false}) {
                        String what = k.name() + ", " + workers + " workers, batch " + batch + (store ? ", kept" : ", not kept");
                        updateInBlocks(k, in, out, workers, batch, store, what);
                    }
                }
            }
        }
    }

    private static void updateInBlocks(Kernels k, int in, int out, int workers, int batch, boolean store, String what) {
        float[] start = random(in * out, 11), x = random(batch * in, 12), dz = random(batch * out, 13);
        Parameter expected = new Parameter("fc.weight", new int[] {out, in}, null, true, 0.01f);
        System.arraycopy(start, 0, expected.value(), 0, in * out);
        k.denseBackwardWeightRows(batch, in, out, x, 0, dz, 0, expected.grad(), 0, in, false);
        Adam.withLearningRate(0.01f).step(List.of(expected));

        Parameter dense = new Parameter("fc.weight", new int[] {out, in}, null, true, 0.01f);
        System.arraycopy(start, 0, dense.value(), 0, in * out);
        PackedWeight.Dense copy = (PackedWeight.Dense) PackedWeight.dense(k, dense, in, out);
        PackedWeights packed = new PackedWeights(copy);
        ThreadGradients gradients = new ThreadGradients(List.of(dense), workers, List.of(copy), k);
        Adam adam = Adam.withLearningRate(0.01f);
        try (WorkerPool pool = new WorkerPool(workers)) {
            gradients.beginStep(batch, store);
            pool.run(worker -> contribute(gradients, dense, in, out, batch, workers, worker, x, dz));
            dense.markChanged();
            assertTrue(adam.beginStep(List.of(dense)));
            gradients.markSharedGradients(false);
            pool.run(worker -> gradients.reduceAndUpdateSlice(worker, adam, packed));
            gradients.endStep();
        }
        assertArrayEquals(expected.value(), dense.value(), what);
        float[] fresh = new float[copy.values().length];
        k.packDenseWeights(in, out, dense.value(), fresh);
        assertArrayEquals(fresh, copy.values(), what + ": the packed copy");
        if (store) {
            assertArrayEquals(expected.grad(), dense.grad(), what + ": the stored gradient");
        } else {
            IllegalStateException refused = assertThrows(IllegalStateException.class, dense::grad, what);
            assertTrue(refused.getMessage().contains("fc.weight") && refused.getMessage().contains("setGradientsKept(true)"),
                    refused.getMessage());
            assertThrows(IllegalStateException.class, dense::gradToPytorch, what);
        }
    }

    /** Worker's chunk of the batch, as a training step's backward pass hands it over (and writes its part, when kept). */
    private static void contribute(ThreadGradients gradients, Parameter w, int in, int out, int batch, int workers, int worker,
                                   float[] x, float[] dz) {
        gradients.clearSlice(worker);
        int first = ThreadGradients.sliceStart(batch, worker, workers), rows = ThreadGradients.sliceStart(batch, worker + 1, workers) - first;
        if (rows > 0) {
            gradients.awaitCleared();
            gradients.sharedGradient(w).contribute(rows, first, x, first * in, dz, first * out);
            gradients.writeSharedGradients(first);
        }
    }
}
