package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.KernelWarmUp;
import dev.kiln.runtime.train.RandomBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code kiln train} compiles the kernels on a throwaway model while the data loads: whatever that
 * model does must not reach the real one. keras-mnist has dropout, whose masks come from the
 * model's seed and step, and runs on 2 threads here; a warm-up on another thread, overlapping the
 * real model's first steps, must leave every weight with the bits of a run without it.
 */
class KernelWarmUpIsolationTest {
    private static final SeedNetworks NETWORK = SeedNetworks.byName("keras-mnist");
    private static final int BATCH = 16;
    private static final int STEPS = 3;

    @Test
    void aWarmUpBesideTrainingLeavesTheTrainedWeightsBitForBit() throws Exception {
        List<float[]> alone;
        try (Model model = NETWORK.create(7)) {
            model.setThreads(2);
            alone = trainAndCopyWeights(model);
        }

        List<float[]> beside;
        try (Model model = NETWORK.create(7); Model throwaway = NETWORK.create(7)) {
            model.setThreads(2);
            throwaway.setThreads(2);
            CompletableFuture<Void> warmUp = CompletableFuture.runAsync(
                    () -> KernelWarmUp.training(throwaway, Adam.withLearningRate(1e-3f), BATCH));
            beside = trainAndCopyWeights(model);
            warmUp.get();
            assertEquals(2, throwaway.step());          // a few examples, then the batch
        }

        assertEquals(alone.size(), beside.size());
        for (int i = 0; i < alone.size(); i++) {
            assertArrayEquals(alone.get(i), beside.get(i), "parameter " + i);
        }
    }

    private static List<float[]> trainAndCopyWeights(Model model) {
        Adam adam = Adam.withLearningRate(1e-3f);
        for (int step = 0; step < STEPS; step++) {
            RandomBatch batch = RandomBatch.of(model, BATCH, step);
            model.trainStep(batch.images(), batch.labels(), BATCH, adam);
        }
        List<float[]> weights = new ArrayList<>();
        for (Parameter parameter : model.parameters()) {
            weights.add(parameter.value().clone());
        }
        return weights;
    }
}
