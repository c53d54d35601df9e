package dev.kiln.runtime.data;

import java.util.List;

/**
 * A data set's training and test sets, with the names of its classes (index = label; empty when
 * the files name none) and the bad files a loader skipped on request.
 */
public record TrainAndTest(Dataset train, Dataset test, List<String> classNames, SkippedFiles skipped) {

    public TrainAndTest {
        classNames = List.copyOf(classNames);
        if (!classNames.isEmpty() && (classNames.size() != train.classes() || classNames.size() != test.classes())) {
            throw new IllegalArgumentException(classNames.size() + " class names " + classNames + " for sets of "
                    + train.classes() + " and " + test.classes() + " classes");
        }
    }

    /** Sets whose classes have no names, nothing skipped. */
    public TrainAndTest(Dataset train, Dataset test) {
        this(train, test, List.of(), SkippedFiles.NONE);
    }

    public TrainAndTest(Dataset train, Dataset test, List<String> classNames) {
        this(train, test, classNames, SkippedFiles.NONE);
    }

    /**
     * Puts a seeded share {@code testFraction} of {@code all} aside as the test set, for data that
     * comes without one; each part then keeps its first examples up to {@code limits}.
     */
    public static TrainAndTest split(Dataset all, double testFraction, long seed, Limits limits, List<String> classNames,
            SkippedFiles skipped) {
        Dataset.Split parts = all.split(testFraction, seed);
        Dataset train = parts.training();
        Dataset test = parts.validation();
        return new TrainAndTest(train.first(Math.min(train.size(), limits.train())),
                test.first(Math.min(test.size(), limits.test())), classNames, skipped);
    }
}
