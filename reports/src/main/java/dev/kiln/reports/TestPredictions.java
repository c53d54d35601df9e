package dev.kiln.reports;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Predictions;
import dev.kiln.runtime.train.ClassificationMetrics;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.Examples;

/**
 * A model's answer for every example of a set, from one pass of batch inference: the class it
 * predicts and that class's probability, with the {@link ClassificationMetrics} of the whole set.
 * What the confusion matrix and the grid of misclassified images are drawn from.
 */
public final class TestPredictions {
    private final Examples examples;
    private final int[] labels;
    private final int[] predicted;
    private final float[] probability;
    private final ClassificationMetrics metrics;

    private TestPredictions(Examples examples, int[] labels, int[] predicted, float[] probability, ClassificationMetrics metrics) {
        this.examples = examples;
        this.labels = labels;
        this.predicted = predicted;
        this.probability = probability;
        this.metrics = metrics;
    }

    /**
     * Runs {@code model} over {@code examples} in batches of {@code batchSize}.
     *
     * @throws IllegalArgumentException when the set is empty or its images are not of the model's input shape
     */
    public static TestPredictions of(Model model, Examples examples, int batchSize) {
        int n = examples.size(), classes = model.classes();
        int[] labels = new int[n], predicted = new int[n];
        float[] probability = new float[n];
        ClassificationMetrics metrics = new ClassificationMetrics(classes, 3);
        float[] probabilities = new float[Math.max(1, batchSize) * classes];
        int[] next = {0};                                   // batches come in order: the index of the batch's first example
        Evaluation.forEachBatch(model, examples, batchSize, (images, batchLabels, count) -> {
            model.predictBatch(images, count, probabilities);
            for (int i = 0; i < count; i++) {
                int example = next[0] + i;
                int best = Predictions.topK(probabilities, i * classes, classes, 1)[0];
                labels[example] = batchLabels[i];
                predicted[example] = best;
                probability[example] = probabilities[i * classes + best];
                metrics.add(probabilities, i * classes, batchLabels[i]);
            }
            next[0] += count;
        });
        return new TestPredictions(examples, labels, predicted, probability, metrics);
    }

    public Examples examples() {
        return examples;
    }

    public int size() {
        return labels.length;
    }

    public int label(int example) {
        return labels[example];
    }

    public int predicted(int example) {
        return predicted[example];
    }

    /** The model's probability of the class it predicted for {@code example}. */
    public float probability(int example) {
        return probability[example];
    }

    public ClassificationMetrics metrics() {
        return metrics;
    }

    /** The examples predicted wrong, in the set's order. */
    public int[] misclassified() {
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] != predicted[i]).toArray();
    }

    /** The image of {@code example} as the model was given it (channels x height x width). */
    public float[] image(int example, int inputSize) {
        float[] image = new float[inputSize];
        examples.fill(new int[] {example}, 0, 1, image, new int[1]);
        return image;
    }
}
