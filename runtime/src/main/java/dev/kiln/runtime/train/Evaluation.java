package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Predictions;

/** A model's results on a set of examples, by batch inference on all of the model's threads. */
public final class Evaluation {
    private Evaluation() {}

    /** Mean loss (no dropout) and the share classified right. */
    public record LossAndAccuracy(double loss, double accuracy) {
    }

    /** Receives each batch: the images and labels filled in, {@code count} of them. */
    public interface BatchConsumer {
        void accept(float[] images, int[] labels, int count);
    }

    /**
     * Share of {@code examples} whose most probable class is the label.
     *
     * @throws IllegalArgumentException when {@code examples} is empty, or its images are not of the model's input shape
     */
    public static double accuracy(Model model, Examples examples, int batchSize) {
        float[] probabilities = new float[batchSize * model.classes()];
        long[] correct = {0};
        forEachBatch(model, examples, batchSize, (images, labels, count) -> {
            model.predictBatch(images, count, probabilities);
            correct[0] += Predictions.correct(probabilities, count, model.classes(), labels, 0);
        });
        return (double) correct[0] / examples.size();
    }

    /**
     * Mean cross-entropy and accuracy of {@code examples} (Keras's {@code val_loss} and
     * {@code val_accuracy}), from one pass of the inference path that {@link #accuracy} and
     * predictions take, so the accuracy is the one {@code kiln evaluate} reports. The loss is that of
     * the predicted probabilities, without the L2 terms the training loss includes; a probability
     * that rounded to 0 counts as the smallest float (a loss of about 103).
     */
    public static LossAndAccuracy lossAndAccuracy(Model model, Examples examples, int batchSize) {
        int classes = model.classes();
        float[] probabilities = new float[batchSize * classes];
        double[] lossSum = {0};
        long[] correct = {0};
        forEachBatch(model, examples, batchSize, (images, labels, count) -> {
            model.predictBatch(images, count, probabilities);
            for (int i = 0; i < count; i++) {
                lossSum[0] -= Math.log(Math.max(probabilities[i * classes + labels[i]], Float.MIN_VALUE));
            }
            correct[0] += Predictions.correct(probabilities, count, classes, labels, 0);
        });
        return new LossAndAccuracy(lossSum[0] / examples.size(), (double) correct[0] / examples.size());
    }

    /** Accuracy, top-k accuracy up to {@code maxK}, per-class precision and recall and the confusion matrix. */
    public static ClassificationMetrics metrics(Model model, Examples examples, int batchSize, int maxK) {
        ClassificationMetrics metrics = new ClassificationMetrics(model.classes(), maxK);
        float[] probabilities = new float[batchSize * model.classes()];
        forEachBatch(model, examples, batchSize, (images, labels, count) -> {
            model.predictBatch(images, count, probabilities);
            for (int i = 0; i < count; i++) {
                metrics.add(probabilities, i * model.classes(), labels[i]);
            }
        });
        return metrics;
    }

    /**
     * Hands {@code examples} to {@code consumer} in order, {@code batchSize} at a time (the last
     * batch may be smaller), in buffers reused from batch to batch: what every measure here, and a
     * report that needs each example's prediction, is built on.
     *
     * @throws IllegalArgumentException when {@code examples} is empty, its images are not of the
     *     model's input shape, or the batch size is below 1
     */
    public static void forEachBatch(Model model, Examples examples, int batchSize, BatchConsumer consumer) {
        Examples.requireNonEmpty(examples, "test");
        Examples.requireShape(examples, model, "test");
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
        }
        int n = examples.size();
        float[] images = new float[batchSize * model.inputSize()];
        int[] labels = new int[batchSize];
        int[] identity = new int[n];
        for (int i = 0; i < n; i++) {
            identity[i] = i;
        }
        for (int from = 0; from < n; from += batchSize) {
            int count = Math.min(batchSize, n - from);
            examples.fill(identity, from, count, images, labels);
            consumer.accept(images, labels, count);
        }
    }
}
