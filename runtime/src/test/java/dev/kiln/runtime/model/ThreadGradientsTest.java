package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Sgd;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadGradientsTest {
    private final Parameter weight = new Parameter("w", new int[] {11}, null, true, 0f);
    private final Parameter frozen = new Parameter("f", new int[] {3}, null, false, 0f);
    private final List<Parameter> parameters = List.of(weight, frozen);

    /** Thread t's gradient of value i. */
    private static float part(int t, int i) {
        return 0.1f * (t + 1) + 0.37f * i;
    }

    private void fill(ThreadGradients gradients) {
        for (int t = 0; t < gradients.workers(); t++) {
            float[] g = gradients.of(t)[0];
            for (int i = 0; i < g.length; i++) {
                g[i] = part(t, i);
            }
        }
    }

    @Test
    void theSlicesSumEveryThreadInThreadOrderAndLeaveTheWorkersZero() {
        ThreadGradients gradients = new ThreadGradients(parameters, 3);
        assertTrue(gradients.of(1)[1] == frozen.grad(), "a frozen parameter gets no copies");
        fill(gradients);
        for (int worker = 0; worker < 3; worker++) {
            gradients.reduceSlice(worker);
        }
        for (int i = 0; i < 11; i++) {
            assertEquals(part(0, i) + part(1, i) + part(2, i), weight.grad()[i], "value " + i);
            assertEquals(0f, gradients.of(1)[0][i]);
            assertEquals(0f, gradients.of(2)[0][i]);
        }
    }

    @Test
    void afterAFailedStepTheNextClearsEveryThread() {
        ThreadGradients gradients = new ThreadGradients(parameters, 2);
        gradients.beginStep(4);
        fill(gradients);                                // a step that fails before its reduction
        gradients.beginStep(4);
        gradients.clearSlice(0);
        gradients.clearSlice(1);
        gradients.awaitCleared();
        assertArrayEquals(new float[11], gradients.of(0)[0]);
        assertArrayEquals(new float[11], gradients.of(1)[0]);
    }

    @Test
    void theFusedReductionAndUpdateOnAPoolEqualsSumThenStep() {
        float[] start = new float[11];
        for (int i = 0; i < 11; i++) {
            start[i] = 1f - 0.05f * i;
        }
        Parameter expected = new Parameter("w", new int[] {11}, null, true, 0f);
        System.arraycopy(start, 0, expected.value(), 0, 11);
        for (int i = 0; i < 11; i++) {
            expected.grad()[i] = part(0, i) + part(1, i);
        }
        Sgd.withLearningRate(0.5f).step(List.of(expected));

        System.arraycopy(start, 0, weight.value(), 0, 11);
        ThreadGradients gradients = new ThreadGradients(parameters, 2);
        Sgd sgd = Sgd.withLearningRate(0.5f);
        try (WorkerPool pool = new WorkerPool(2)) {
            gradients.beginStep(4);
            fill(gradients);
            assertTrue(sgd.beginStep(parameters));
            pool.run(worker -> gradients.reduceAndUpdateSlice(worker, sgd, new PackedWeights()));
            gradients.endStep();
        }
        assertArrayEquals(expected.value(), weight.value());
    }

    /**
     * A dense weight is updated and packed by whole rows, in several pieces per worker: the weight
     * must equal one whole step on the summed gradients, and its packed copy a fresh packing of it.
     */
    @Test
    void aDenseWeightIsUpdatedAndPackedByRows() {
        int in = 300, out = 37;                        // 150 rows a worker; pieces of 4096 / 37 = 110 rows
        Kernels kernels = KernelProvider.get();
        Parameter dense = new Parameter("fc.weight", new int[] {out, in}, null, true, 0f);
        Parameter expected = new Parameter("fc.weight", new int[] {out, in}, null, true, 0f);
        for (int i = 0; i < in * out; i++) {
            dense.value()[i] = expected.value()[i] = (float) Math.sin(i * 0.01);
        }
        List<Parameter> both = List.of(dense, frozen);
        ThreadGradients gradients = new ThreadGradients(both, 2);
        for (int t = 0; t < 2; t++) {
            float[] g = gradients.of(t)[0];
            for (int i = 0; i < g.length; i++) {
                g[i] = part(t, i % 53);
            }
        }
        for (int i = 0; i < in * out; i++) {
            expected.grad()[i] = part(0, i % 53) + part(1, i % 53);
        }
        Adam.withLearningRate(0.01f).step(List.of(expected));

        PackedWeight packedCopy = PackedWeight.dense(kernels, dense, in, out);
        PackedWeights packed = new PackedWeights(packedCopy);
        Adam adam = Adam.withLearningRate(0.01f);
        try (WorkerPool pool = new WorkerPool(2)) {
            gradients.beginStep(4);
            dense.markChanged();
            assertTrue(adam.beginStep(both));
            pool.run(worker -> gradients.reduceAndUpdateSlice(worker, adam, packed));
            gradients.endStep();
        }
        assertArrayEquals(expected.value(), dense.value());
        float[] fresh = new float[packedCopy.values().length];
        kernels.packDenseWeights(in, out, dense.value(), fresh);
        assertArrayEquals(fresh, packedCopy.values(), "the packed copy after the fused update");
    }
}
