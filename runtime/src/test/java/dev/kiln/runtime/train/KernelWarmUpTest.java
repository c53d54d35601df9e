package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.optim.Adam;
import org.junit.jupiter.api.Test;

class KernelWarmUpTest {

    @Test
    void trainingTrainsTheThrowawayModelOnAFewExamplesThenOnTheGivenBatchOfPixelLikeValues() {
        ScriptedModel throwaway = new ScriptedModel(step -> 1.0).withInput(1, 4, 4).recordingBatches();

        KernelWarmUp.training(throwaway, Adam.withLearningRate(1e-3f), 9);

        assertEquals(2, throwaway.step());
        assertEquals(2, throwaway.batches.size());
        assertEquals(KernelWarmUp.FIRST_EXAMPLES * 16, throwaway.batches.get(0).length);
        float[] images = throwaway.batches.get(1);
        assertEquals(9 * 16, images.length);
        for (float value : images) {
            assertTrue(value >= 0 && value < 1, "a synthetic pixel outside [0, 1): " + value);
        }
    }

    @Test
    void aBatchSmallerThanTheFirstStepIsTrainedWholeBothTimes() {
        ScriptedModel throwaway = new ScriptedModel(step -> 1.0).withInput(1, 4, 4).recordingBatches();

        KernelWarmUp.training(throwaway, Adam.withLearningRate(1e-3f), 1);

        assertEquals(2, throwaway.step());
        assertEquals(16, throwaway.batches.get(0).length);
        assertEquals(16, throwaway.batches.get(1).length);
    }

    @Test
    void predictsOneImageAtATimeAsARequestThreadDoesWithoutTraining() {
        ScriptedModel model = new ScriptedModel(step -> 1.0).withInput(1, 4, 4);

        KernelWarmUp.predictions(model);

        assertEquals(KernelWarmUp.PREDICTIONS, model.predictions);
        assertEquals(0, model.step());
    }

    @Test
    void refusesABatchOfNoExamples() {
        ScriptedModel throwaway = new ScriptedModel(step -> 1.0);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelWarmUp.training(throwaway, Adam.withLearningRate(1e-3f), 0));

        assertEquals("the warm-up batch size must be 1 or more, not 0", e.getMessage());
        assertEquals(0, throwaway.step());
    }
}
