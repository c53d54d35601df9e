package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Predictions;
import java.util.Arrays;
import java.util.Locale;

/**
 * Accuracy, top-k accuracy, per-class precision and recall and the confusion matrix of a set of
 * predictions, gathered one example at a time ({@link Evaluation#metrics} fills one from a model).
 * Precision of a class nothing was predicted as, and recall of a class with no examples, are NaN:
 * there is nothing to measure, and 0 would read as a bad result.
 */
public final class ClassificationMetrics {
    private final int classes;
    private final int maxK;
    /** [label][predicted]. */
    private final long[][] confusion;
    /** inTopK[k - 1]: examples whose label is among the k most probable classes. */
    private final long[] inTopK;
    private long count;

    /** Metrics over {@code classes} classes, with top-k accuracy for k up to {@code maxK}. */
    public ClassificationMetrics(int classes, int maxK) {
        if (classes < 1 || maxK < 1) {
            throw new IllegalArgumentException("need at least 1 class and k of at least 1, got " + classes + " and " + maxK);
        }
        this.classes = classes;
        this.maxK = Math.min(maxK, classes);
        this.confusion = new long[classes][classes];
        this.inTopK = new long[this.maxK];
    }

    /** Counts one example: its class scores (probabilities or logits) from {@code offset}, and its label. */
    public void add(float[] scores, int offset, int label) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("label " + label + " is outside 0.." + (classes - 1));
        }
        int[] top = Predictions.topK(scores, offset, classes, maxK);
        confusion[label][top[0]]++;
        for (int k = 0; k < top.length; k++) {
            if (top[k] == label) {
                for (int j = k; j < maxK; j++) {
                    inTopK[j]++;
                }
                break;
            }
        }
        count++;
    }

    public long count() {
        return count;
    }

    public int classes() {
        return classes;
    }

    public double accuracy() {
        return topKAccuracy(1);
    }

    /** Share of examples whose label is among the {@code k} most probable classes. */
    public double topKAccuracy(int k) {
        if (k < 1 || k > maxK) {
            throw new IllegalArgumentException("top-" + k + " accuracy: k must be in 1.." + maxK);
        }
        return (double) inTopK[k - 1] / count;
    }

    /** Of the examples predicted as {@code c}, the share that are {@code c}; NaN when none was predicted as c. */
    public double precision(int c) {
        long predicted = 0;
        for (int label = 0; label < classes; label++) {
            predicted += confusion[label][c];
        }
        return (double) confusion[c][c] / predicted;
    }

    /** Of the examples of class {@code c}, the share predicted as {@code c}; NaN when there are none. */
    public double recall(int c) {
        return (double) confusion[c][c] / Arrays.stream(confusion[c]).sum();
    }

    /** A copy of the confusion matrix: row = true label, column = predicted class. */
    public long[][] confusionMatrix() {
        long[][] copy = new long[classes][];
        for (int c = 0; c < classes; c++) {
            copy[c] = confusion[c].clone();
        }
        return copy;
    }

    /** A table: per class its precision, recall and row of the confusion matrix, then the accuracies. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%5s %9s %9s  confusion (row: label, column: predicted)%n",
                "class", "precision", "recall"));
        for (int c = 0; c < classes; c++) {
            text.append(String.format(Locale.ROOT, "%5d %9.4f %9.4f ", c, precision(c), recall(c)));
            for (long n : confusion[c]) {
                text.append(' ').append(n);
            }
            text.append(System.lineSeparator());
        }
        text.append(String.format(Locale.ROOT, "accuracy %.4f", accuracy()));
        for (int k = 2; k <= maxK; k++) {
            text.append(String.format(Locale.ROOT, ", top-%d %.4f", k, topKAccuracy(k)));
        }
        return text.append(" over ").append(count).append(" examples").toString();
    }
}
