package dev.kiln.runtime.model;

/**
 * Reading class decisions off rows of scores (logits or probabilities: both have their maximum
 * at the same class). The first class wins ties.
 */
public final class Predictions {
    private Predictions() {}

    /** Index of the largest of {@code length} values from {@code offset}; the first one on ties. */
    public static int argmax(float[] scores, int offset, int length) {
        int best = 0;
        for (int k = 1; k < length; k++) {
            if (scores[offset + k] > scores[offset + best]) {
                best = k;
            }
        }
        return best;
    }

    /** How many of {@code rows} rows of {@code classes} scores have their maximum at the label. */
    public static int correct(float[] scores, int rows, int classes, int[] labels, int labelOff) {
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            if (argmax(scores, r * classes, classes) == labels[labelOff + r]) {
                correct++;
            }
        }
        return correct;
    }
}
