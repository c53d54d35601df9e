package dev.kiln.runtime.train;

/** A number of an {@link EpochReport} that callbacks watch, and which way is better. */
public enum Metric {
    TRAIN_LOSS("train_loss", false),
    TRAIN_ACCURACY("train_accuracy", true),
    VALIDATION_LOSS("val_loss", false),
    VALIDATION_ACCURACY("val_accuracy", true);

    private final String key;
    private final boolean higherIsBetter;

    Metric(String key, boolean higherIsBetter) {
        this.key = key;
        this.higherIsBetter = higherIsBetter;
    }

    /** Keras's name for it, e.g. "val_loss"; also the CSV history's column. */
    public String key() {
        return key;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The value in {@code report}; fails when it is NaN, e.g. a validation metric without a validation set. */
    public double of(EpochReport report) {
        double value = switch (this) {
            case TRAIN_LOSS -> report.trainLoss();
            case TRAIN_ACCURACY -> report.trainAccuracy();
            case VALIDATION_LOSS -> report.validationLoss();
            case VALIDATION_ACCURACY -> report.validationAccuracy();
        };
        if (Double.isNaN(value)) {
            throw new IllegalStateException(key + " is not known after epoch " + report.epoch()
                    + (key.startsWith("val") ? ": training has no validation set (give one, or a validation split)" : ""));
        }
        return value;
    }

    /** True when {@code value} beats {@code best} by more than {@code minDelta}. */
    public boolean improves(double value, double best, double minDelta) {
        return higherIsBetter ? value > best + minDelta : value < best - minDelta;
    }
}
