package dev.kiln.runtime.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where in a run a checkpoint was taken, with the running sums of its epoch: the metadata the
 * training loop saves, and checks before it resumes from it.
 *
 * <p>Wall time is not saved: a checkpoint holds only what decides the result, so two identical
 * runs write identical files.
 *
 * @param epoch     the epoch to continue (1-based); one past the last when the run finished it
 * @param nextBatch the first batch of {@code epoch} not yet trained (0-based)
 * @param lossSum   the sum of loss times examples over the epoch's batches so far
 * @param correct   training examples classified right in the epoch so far
 * @param seen      training examples of the epoch so far
 */
record TrainingPosition(int epoch, int nextBatch, double lossSum, long correct, long seen) {
    static final String EPOCH = "epoch";
    static final String NEXT_BATCH = "nextBatch";
    static final String LOSS_SUM = "epochLossSum";
    static final String CORRECT = "epochCorrect";
    static final String SEEN = "epochSeen";

    static final TrainingPosition START = new TrainingPosition(1, 0, 0, 0, 0);

    /** The start of {@code epoch}. */
    static TrainingPosition startOf(int epoch) {
        return new TrainingPosition(epoch, 0, 0, 0, 0);
    }

    /** The metadata, always in the same order. */
    Map<String, String> toMetadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(EPOCH, Integer.toString(epoch));
        metadata.put(NEXT_BATCH, Integer.toString(nextBatch));
        // A double as a hexadecimal string, so the running loss resumes to the exact bit.
        metadata.put(LOSS_SUM, Double.toHexString(lossSum));
        metadata.put(CORRECT, Long.toString(correct));
        metadata.put(SEEN, Long.toString(seen));
        return metadata;
    }

    /**
     * Reads the position in {@code metadata}, saved in {@code checkpoint}, and checks that this run
     * can continue from it: an epoch of {@code trainSize} examples in batches of {@code batchSize}.
     *
     * @throws IllegalStateException naming the entry, its value and the values this run accepts
     */
    static TrainingPosition from(Map<String, String> metadata, String checkpoint, int trainSize, int batchSize) {
        Reader in = new Reader(metadata, checkpoint);
        int batches = batchCount(trainSize, batchSize);
        int epoch = in.integer(EPOCH);
        if (epoch < 1) {
            throw in.invalid(EPOCH + " is " + epoch + "; epochs count from 1");
        }
        int nextBatch = in.integer(NEXT_BATCH);
        if (nextBatch < 0 || nextBatch >= batches) {
            throw in.invalid(String.format(Locale.ROOT, "%s is %d, outside 0..%d: this run's epoch has %,d batch%s "
                    + "(%,d examples in batches of %d). Resume with the data and batch size of the run that saved it,"
                    + " or start over without resuming", NEXT_BATCH, nextBatch, batches - 1, batches,
                    batches == 1 ? "" : "es", trainSize, batchSize));
        }
        long seen = in.whole(SEEN);
        long expectedSeen = (long) nextBatch * batchSize;
        if (seen != expectedSeen) {
            throw in.invalid(String.format(Locale.ROOT, "%s is %d, but %d batch%s of %d examples make %d:"
                    + " it was saved with another batch size, or damaged", SEEN, seen, nextBatch, nextBatch == 1 ? "" : "es",
                    batchSize, expectedSeen));
        }
        long correct = in.whole(CORRECT);
        if (correct < 0 || correct > seen) {
            throw in.invalid(CORRECT + " is " + correct + ", outside 0.." + seen + " (the examples seen so far)");
        }
        double lossSum = in.real(LOSS_SUM);
        if (!Double.isFinite(lossSum)) {
            throw in.invalid(LOSS_SUM + " is " + lossSum + "; a resumable epoch's loss sum is finite");
        }
        return new TrainingPosition(epoch, nextBatch, lossSum, correct, seen);
    }

    static int batchCount(int examples, int batchSize) {
        return (int) ((examples + (long) batchSize - 1) / batchSize);
    }

    /** Parses entries of the metadata, with messages that name the checkpoint and the entry. */
    private record Reader(Map<String, String> metadata, String checkpoint) {

        String text(String key) {
            String value = metadata.get(key);
            if (value == null) {
                throw invalid("it has no entry " + key + " (its metadata: " + metadata.keySet()
                        + "); was it written by the training loop?");
            }
            return value;
        }

        int integer(String key) {
            String value = text(key);
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw invalid(key + " is '" + value + "', not a whole number from " + Integer.MIN_VALUE + " to "
                        + Integer.MAX_VALUE);
            }
        }

        long whole(String key) {
            String value = text(key);
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw invalid(key + " is '" + value + "', not a whole number");
            }
        }

        double real(String key) {
            String value = text(key);
            try {
                return Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                throw invalid(key + " is '" + value + "', not a number");
            }
        }

        IllegalStateException invalid(String problem) {
            return new IllegalStateException("cannot resume from " + checkpoint + ": " + problem);
        }
    }
}
