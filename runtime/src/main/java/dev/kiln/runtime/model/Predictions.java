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

    /**
     * Indices of the {@code k} largest of {@code length} values from {@code offset}, largest
     * first; of equal values the lower index comes first. {@code k} is capped at {@code length}.
     */
    public static int[] topK(float[] scores, int offset, int length, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        int[] best = new int[Math.min(k, length)];
        int found = 0;
        for (int c = 0; c < length; c++) {
            // Insertion into the short sorted list: k is small (1 to 5 in practice).
            int at = found;
            while (at > 0 && scores[offset + c] > scores[offset + best[at - 1]]) {
                at--;
            }
            if (at < best.length) {
                int end = Math.min(found, best.length - 1);
                System.arraycopy(best, at, best, at + 1, end - at);
                best[at] = c;
                found = Math.min(found + 1, best.length);
            }
        }
        return best;
    }
}
