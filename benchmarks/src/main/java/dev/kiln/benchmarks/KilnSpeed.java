package dev.kiln.benchmarks;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.train.RandomBatch;
import java.util.SplittableRandom;

/**
 * Kiln's side of the speed comparison, measured as the PyTorch peer measures: random images,
 * Adam 1e-3, median time of a training step, of a one-image prediction and of a batch of 256.
 */
final class KilnSpeed {
    private final double warmupSeconds;
    private final double seconds;

    KilnSpeed(double warmupSeconds, double seconds) {
        this.warmupSeconds = warmupSeconds;
        this.seconds = seconds;
    }

    /** Training throughput, and heap bytes allocated per step in steady state. */
    record Training(double imagesPerSecond, double bytesPerStep) {}

    Training training(Model model, int batch) {
        RandomBatch data = RandomBatch.of(model, batch, 42);
        Optimizer adam = Adam.withLearningRate(1e-3f);
        Runnable step = () -> model.trainStep(data.images(), data.labels(), batch, adam);
        double median = Timing.medianSeconds(step, warmupSeconds, seconds, 5);
        return new Training(batch / median, Allocation.perCall(model, step, 20));
    }

    /** Inference: one image on the calling thread, and a batch of 256 on the model's threads. */
    record Inference(double singleImageMicros, double bytesPerPrediction, double batch256ImagesPerSecond) {}

    Inference inference(Model model) {
        SplittableRandom random = new SplittableRandom(7);
        float[] one = RandomBatch.images(random, model.inputSize());
        float[] oneOut = new float[model.classes()];
        Runnable predictOne = () -> model.predict(one, oneOut);
        double single = Timing.medianSeconds(predictOne, warmupSeconds / 2, seconds / 2, 50);
        double bytes = Allocation.perCall(model, predictOne, 200);
        float[] batch = RandomBatch.images(random, 256 * model.inputSize());
        float[] probabilities = new float[256 * model.classes()];
        double batched = Timing.medianSeconds(() -> model.predictBatch(batch, 256, probabilities),
                warmupSeconds / 2, seconds / 2, 5);
        return new Inference(single * 1e6, bytes, 256 / batched);
    }
}
