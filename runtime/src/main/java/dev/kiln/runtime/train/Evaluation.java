package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Predictions;

/** Accuracy of a model on a set of examples, by batch inference on all of the model's threads. */
public final class Evaluation {
    private Evaluation() {}

    /**
     * Share of {@code examples} whose most probable class is the label.
     *
     * @throws IllegalArgumentException when {@code examples} is empty, or its images are not of the model's input shape
     */
    public static double accuracy(Model model, Examples examples, int batchSize) {
        Examples.requireNonEmpty(examples, "test");
        Examples.requireShape(examples, model, "test");
        int n = examples.size();
        int classes = model.classes();
        float[] images = new float[batchSize * model.inputSize()];
        int[] labels = new int[batchSize];
        float[] probabilities = new float[batchSize * classes];
        int[] identity = new int[n];
        for (int i = 0; i < n; i++) {
            identity[i] = i;
        }
        long correct = 0;
        for (int from = 0; from < n; from += batchSize) {
            int count = Math.min(batchSize, n - from);
            examples.fill(identity, from, count, images, labels);
            model.predictBatch(images, count, probabilities);
            correct += Predictions.correct(probabilities, count, classes, labels, 0);
        }
        return (double) correct / n;
    }
}
