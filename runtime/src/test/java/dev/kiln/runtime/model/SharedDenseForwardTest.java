package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.dsl.Activation;
import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.kernels.Kernels;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedDenseForwardTest {
    private static final int IN = 520, OUT = 260;       // 135,200 weights: shared; 260 outputs end in a padded panel
    private final Kernels kernels = KernelProvider.get();
    private final Parameter weight = new Parameter("fc.weight", new int[] {OUT, IN}, null, true, 0f);
    private final Parameter bias = new Parameter("fc.bias", new int[] {OUT}, null, true, 0f);
    private final PackedWeight.Dense packed = (PackedWeight.Dense) PackedWeight.dense(kernels, weight, IN, OUT);

    private ThreadGradients gradients(int workers) {
        return new ThreadGradients(List.of(weight, bias), workers, List.of(packed), kernels);
    }

    @Test
    void onlyALargeLayerIsShared() {
        assertEquals(packed, gradients(2).sharedForward(packed).packed());
        Parameter small = new Parameter("small", new int[] {OUT, IN / 4}, null, true, 0f);
        PackedWeight.Dense smallPacked = (PackedWeight.Dense) PackedWeight.dense(kernels, small, IN / 4, OUT);
        assertNull(new ThreadGradients(List.of(small), 2, List.of(smallPacked), kernels).sharedForward(smallPacked), "33,800 weights");
        ThreadGradients one = gradients(1);
        one.beginStep(64);
        assertFalse(one.sharedForward(packed).splits(), "one worker runs its chunk alone");
    }

    @Test
    void workersSharingTheForwardGiveEachChunkTheBitsOfItsOwnCallAndTheGradientTheBatchsRows() {
        assumeTrue(kernels.splitsDenseForward(), "kernels that split a dense forward by columns");
        System.arraycopy(SharedDenseGradientTest.random(IN * OUT, 3), 0, weight.value(), 0, IN * OUT);
        System.arraycopy(SharedDenseGradientTest.random(OUT, 4), 0, bias.value(), 0, OUT);
        packed.pack(0, 1);
        for (int workers : new int[] {2, 3}) {
            for (int batch : new int[] {1, 2, 5, 64}) {     // 1 and 2: some workers have no rows
                String what = workers + " workers, batch " + batch;
                float[] x = SharedDenseGradientTest.random(batch * IN, batch), dz = SharedDenseGradientTest.random(batch * OUT, batch + 7);
                float[] expected = new float[batch * OUT], expectedDw = new float[IN * OUT];
                for (int t = 0; t < workers; t++) {
                    int first = ThreadGradients.sliceStart(batch, t, workers), rows = ThreadGradients.sliceStart(batch, t + 1, workers) - first;
                    kernels.denseForwardPacked(rows, IN, OUT, Activation.RELU, x, first * IN, packed.values(), bias.value(),
                            expected, first * OUT);
                }
                kernels.denseBackwardWeightRows(batch, IN, OUT, x, 0, dz, 0, expectedDw, 0, IN, false);

                ThreadGradients gradients = gradients(workers);
                gradients.beginStep(batch);
                float[][] chunkY = new float[workers][];
                try (WorkerPool pool = new WorkerPool(workers)) {
                    pool.run(worker -> {
                        gradients.clearSlice(worker);
                        int first = ThreadGradients.sliceStart(batch, worker, workers);
                        int rows = ThreadGradients.sliceStart(batch, worker + 1, workers) - first;
                        if (rows == 0) {
                            return;
                        }
                        // The chunk's own rows, as a workspace holds them: the shared pass reads them from here.
                        float[] chunkX = Arrays.copyOfRange(x, first * IN, (first + rows) * IN);
                        chunkY[worker] = new float[rows * OUT];
                        SharedDenseForward shared = gradients.sharedForward(packed);
                        if (shared.splits()) {
                            shared.forward(kernels, rows, first, gradients.sharedPart(first), Activation.RELU, chunkX, 0,
                                    bias.value(), chunkY[worker], 0);
                        } else {
                            kernels.denseForwardPacked(rows, IN, OUT, Activation.RELU, chunkX, 0, packed.values(), bias.value(),
                                    chunkY[worker], 0);
                        }
                        Arrays.fill(chunkX, Float.NaN);     // the gradient must read the rows the forward gathered, or its own copy
                        gradients.awaitCleared();
                        gradients.sharedGradient(weight).contribute(rows, first, x, first * IN, dz, first * OUT);
                    });
                    pool.run(gradients::reduceSlice);       // the update's reduction writes the shared gradient
                }
                float[] actual = new float[batch * OUT];
                for (int t = 0; t < workers; t++) {
                    int first = ThreadGradients.sliceStart(batch, t, workers);
                    if (chunkY[t] != null) {
                        System.arraycopy(chunkY[t], 0, actual, first * OUT, chunkY[t].length);
                    }
                }
                assertArrayEquals(expected, actual, what);
                assertArrayEquals(expectedDw, weight.grad(), what + ": the weight gradient");
            }
        }
    }

    @Test
    void aWorkerThatFailsDoesNotLeaveTheOtherWaitingInTheForward() {
        assumeTrue(kernels.splitsDenseForward(), "kernels that split a dense forward by columns");
        ThreadGradients gradients = gradients(2);
        gradients.beginStep(4);
        float[] x = SharedDenseGradientTest.random(4 * IN, 1), y = new float[4 * OUT];
        IllegalStateException thrown = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (WorkerPool pool = new WorkerPool(2)) {
                return assertThrows(IllegalStateException.class, () -> pool.run(worker -> {
                    if (worker == 1) {
                        IllegalArgumentException failure = new IllegalArgumentException("worker 1 failed before its dense layer");
                        gradients.breakShared(failure);
                        throw failure;
                    }
                    gradients.sharedForward(packed).forward(kernels, 2, 0, 0, Activation.RELU, x, 0, bias.value(), y, 0);
                }));
            }
        });
        assertEquals("worker 1 failed before its dense layer", thrown.getCause().getMessage());
    }
}
