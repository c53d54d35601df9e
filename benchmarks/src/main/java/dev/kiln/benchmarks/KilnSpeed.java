package dev.kiln.benchmarks;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Optimizer;
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
        SplittableRandom random = new SplittableRandom(42);
        float[] images = randomImages(random, batch * model.inputSize());
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = random.nextInt(model.classes());
        }
        Optimizer adam = Adam.withLearningRate(1e-3f);
        Runnable step = () -> model.trainStep(images, labels, batch, adam);
        double median = Timing.medianSeconds(step, warmupSeconds, seconds, 5);
        return new Training(batch / median, Allocation.perCall(model, step, 20));
    }

    /** Inference: one image on the calling thread, and a batch of 256 on the model's threads. */
    record Inference(double singleImageMicros, double bytesPerPrediction, double batch256ImagesPerSecond) {}

    Inference inference(Model model) {
        SplittableRandom random = new SplittableRandom(7);
        float[] one = randomImages(random, model.inputSize());
        float[] oneOut = new float[model.classes()];
        Runnable predictOne = () -> model.predict(one, oneOut);
        double single = Timing.medianSeconds(predictOne, warmupSeconds / 2, seconds / 2, 50);
        double bytes = Allocation.perCall(model, predictOne, 200);
        float[] batch = randomImages(random, 256 * model.inputSize());
        float[] probabilities = new float[256 * model.classes()];
        double batched = Timing.medianSeconds(() -> model.predictBatch(batch, 256, probabilities),
                warmupSeconds / 2, seconds / 2, 5);
        return new Inference(single * 1e6, bytes, 256 / batched);
    }

    private static float[] randomImages(SplittableRandom random, int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextDouble();
        }
        return values;
    }
}
