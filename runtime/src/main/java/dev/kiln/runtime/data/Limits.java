package dev.kiln.runtime.data;

/**
 * How many examples of a data set's training and test parts to load: the first ones, so that a
 * quick run reads (and holds) no more than it uses.
 */
public record Limits(int train, int test) {
    public static final Limits NONE = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE);

    public Limits {
        if (train < 1 || test < 1) {
            throw new IllegalArgumentException("example limits must be at least 1 (an empty set trains or evaluates"
                    + " on nothing), got " + train + " for training and " + test + " for testing");
        }
    }
}
