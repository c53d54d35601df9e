package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Optimizer;
import java.util.SplittableRandom;

/**
 * Has the JIT compile a network's kernels before the real work needs them, by putting a throwaway
 * model of the same network through one training step and one batch of predictions on synthetic
 * examples.
 *
 * <p>HotSpot compiles each SIMD kernel on its first uses, and the call that asked for it waits:
 * keras-mnist's first training step takes about 0.7 s where later ones take 4 ms. Run while the
 * data loads, on a model of its own, that wait overlaps the loading instead of following it
 * ({@code kiln train keras-mnist --epochs 1} ended 0.3 s sooner on a 2-core Zen 5). The compiled
 * code is shared by every model of the network; the real model's weights, optimizer state and
 * results are untouched, so a training run gives the same numbers with or without it.
 */
public final class KernelWarmUp {
    private KernelWarmUp() {}

    /**
     * Trains {@code throwaway} for one step of {@code batchSize} synthetic examples with
     * {@code throwawayOptimizer}, then predicts a batch of them. Both change: pass a model and an
     * optimizer made for this, of the same network, thread count and optimizer kind as the real
     * ones, so the same kernels are compiled.
     */
    public static void run(Model throwaway, Optimizer throwawayOptimizer, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the warm-up batch size must be 1 or more, not " + batchSize);
        }
        // Values spread over [0, 1), like loaded pixels, so ReLU and max pooling take both branches
        // as they will on real images; a fixed seed keeps every warm-up the same.
        SplittableRandom random = new SplittableRandom(1);
        float[] images = new float[batchSize * throwaway.inputSize()];
        int[] labels = new int[batchSize];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextDouble();
        }
        for (int i = 0; i < batchSize; i++) {
            labels[i] = i % throwaway.classes();
        }
        throwaway.trainStep(images, labels, batchSize, throwawayOptimizer);
        // Predictions may run other kernels than training (a different convolution algorithm): the
        // test pass after the first epoch would compile those.
        throwaway.predictBatch(images, batchSize, new float[batchSize * throwaway.classes()]);
    }
}
