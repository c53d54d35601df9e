package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        gradients.beginStep();
        fill(gradients);                                // a step that fails before its reduction
        gradients.beginStep();
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
            gradients.beginStep();
            fill(gradients);
            assertTrue(sgd.beginStep(parameters));
            pool.run(worker -> gradients.reduceAndUpdateSlice(worker, sgd, new PackedWeights()));
            gradients.endStep();
        }
        assertArrayEquals(expected.value(), weight.value());
    }
}
