package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.optim.RmsProp;
import dev.kiln.runtime.train.RandomBatch;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * By default a training step applies a large dense layer's weight gradient block by block as it
 * computes it and does not keep it; {@code setGradientsKept(true)} keeps every gradient. Either
 * way the weights must come out bit for bit the same, and a gradient that was not kept must be
 * refused, not read stale. lenet-like's fc1 (2048 x 625, 1.28 M weights) is such a layer, and its
 * 625 outputs end in a partial vector.
 */
class GradientsKeptTest {
    private static final String LARGE_DENSE = "fc1.weight";

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void keptOrNotTheWeightsAreTheSameAndOnlyAKeptGradientCanBeRead(int threads) {
        try (Model applied = SeedNetworks.byName("lenet-like").create(5, threads, KernelProvider.get());
             Model kept = SeedNetworks.byName("lenet-like").create(5, threads, KernelProvider.get())) {
            assertFalse(applied.gradientsKept(), "not kept by default");
            kept.setGradientsKept(true);
            Optimizer appliedOptimizer = RmsProp.withLearningRate(1e-3f), keptOptimizer = RmsProp.withLearningRate(1e-3f);
            for (int step = 0; step < 3; step++) {
                RandomBatch batch = RandomBatch.of(applied, 24, 100 + step);
                float appliedLoss = applied.trainStep(batch.images(), batch.labels(), 24, appliedOptimizer);
                float keptLoss = kept.trainStep(batch.images(), batch.labels(), 24, keptOptimizer);
                assertEquals(keptLoss, appliedLoss, "step " + step);
            }
            List<Parameter> appliedParameters = applied.parameters(), keptParameters = kept.parameters();
            for (int p = 0; p < keptParameters.size(); p++) {
                Parameter a = appliedParameters.get(p), k = keptParameters.get(p);
                assertArrayEquals(k.value(), a.value(), k.name());
                if (k.name().equals(LARGE_DENSE)) {
                    IllegalStateException refused = assertThrows(IllegalStateException.class, a::grad);
                    assertTrue(refused.getMessage().contains(LARGE_DENSE), refused.getMessage());
                    assertTrue(containsNonZero(k.grad()), "the kept gradient of " + k.name());
                } else {
                    assertArrayEquals(k.grad(), a.grad(), k.name() + "'s gradient, kept either way");
                }
            }

            // Kept from the next step on: the gradient can be read again.
            applied.setGradientsKept(true);
            RandomBatch batch = RandomBatch.of(applied, 24, 200);
            applied.trainStep(batch.images(), batch.labels(), 24, appliedOptimizer);
            kept.trainStep(batch.images(), batch.labels(), 24, keptOptimizer);
            Parameter a = find(applied, LARGE_DENSE), k = find(kept, LARGE_DENSE);
            assertArrayEquals(k.grad(), a.grad());
            assertArrayEquals(k.value(), a.value());
        }
    }

    private static Parameter find(Model model, String name) {
        return model.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private static boolean containsNonZero(float[] values) {
        for (float v : values) {
            if (v != 0f) {
                return true;
            }
        }
        return false;
    }
}
