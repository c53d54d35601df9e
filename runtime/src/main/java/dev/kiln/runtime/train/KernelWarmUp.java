package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Optimizer;
import java.util.SplittableRandom;

/**
 * Has the JIT compile a network's kernels before the real work needs them, by running them on
 * synthetic examples: a training step on a throwaway model before training, single predictions
 * before serving.
 *
 * <p>HotSpot compiles each SIMD kernel on its first uses, and the call that asked for it waits:
 * keras-mnist's first training step takes about 0.7 s where later ones take 4 ms, and tf-mnist's
 * first prediction 0.4 s where later ones take 0.3 ms. Run while the data loads, on a model of its
 * own, the training warm-up overlaps the loading instead of following it ({@code kiln train
 * keras-mnist --epochs 1} took 5.42 s instead of 5.59, medians of five runs in turns on a 2-core
 * Zen 5). The compiled code is shared by every model of the network.
 */
public final class KernelWarmUp {
    /**
     * Single predictions that bring a fresh JVM's prediction to its steady speed: tf-mnist, keras-mnist
     * and emotion answered within 1.5x of their steady latency by the 100th to 300th call (the first
     * calls wait for C2, the next ones for the kernels called once per prediction to reach their
     * threshold), 0.6-0.9 s after the first.
     */
    public static final int PREDICTIONS = 300;
    /** Examples of the first, small prediction and training step of {@link #training}. */
    static final int FIRST_EXAMPLES = 4;

    private KernelWarmUp() {}

    /**
     * Predicts and trains {@code throwaway} on a few synthetic examples, then trains it for one step
     * of {@code batchSize} examples with {@code throwawayOptimizer} and predicts a batch of them.
     * Both change: pass a model and an optimizer made for this, of the same network, thread count
     * and optimizer kind as the real ones, so the same kernels are compiled; the real model's
     * weights, optimizer state and results are then untouched, and a training run gives the same
     * numbers with or without the warm-up.
     */
    public static void training(Model throwaway, Optimizer throwawayOptimizer, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the warm-up batch size must be 1 or more, not " + batchSize);
        }
        RandomBatch batch = RandomBatch.of(throwaway, batchSize, 1);
        // A few examples first, through a prediction and both passes: C2 compiles a kernel after its
        // first calls, and kernels it compiled within a batch-64 step's forward pass met branches their
        // profile had never taken in the backward pass or the predictions, threw the compiled code
        // away and were compiled again. In keras-mnist's warm-up and first 100 real steps such second
        // compilations took 0.79 s of C2's 1.91 s; 0.45-0.52 s of 1.64-1.70 s after a few examples.
        int few = Math.min(batchSize, FIRST_EXAMPLES);
        throwaway.predictBatch(batch.images(), few, new float[few * throwaway.classes()]);
        throwaway.trainStep(batch.images(), batch.labels(), few, throwawayOptimizer);
        throwaway.trainStep(batch.images(), batch.labels(), batchSize, throwawayOptimizer);
        // Predictions may run other kernels than training (a different convolution algorithm): the
        // test pass after the first epoch would compile those.
        throwaway.predictBatch(batch.images(), batchSize, new float[batchSize * throwaway.classes()]);
    }

    /**
     * Predicts {@link #PREDICTIONS} synthetic images with {@code model}, one at a time, as a server's
     * request threads do. A prediction changes nothing in the model, so this may run on the model
     * that is to serve, before it takes its first request.
     */
    public static void predictions(Model model) {
        float[] image = RandomBatch.images(new SplittableRandom(1), model.inputSize());
        float[] probabilities = new float[model.classes()];
        for (int call = 0; call < PREDICTIONS; call++) {
            model.predict(image, probabilities);
        }
    }
}
