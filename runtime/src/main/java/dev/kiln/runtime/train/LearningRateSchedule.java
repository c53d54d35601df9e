package dev.kiln.runtime.train;

import dev.kiln.runtime.optim.Optimizer;

/**
 * Sets the optimizer's learning rate before every epoch from a function of the epoch, as
 * PyTorch's {@code StepLR} and {@code CosineAnnealingLR} do when stepped once per epoch. For a
 * rate that follows the validation loss see {@link ReduceLearningRateOnPlateau}.
 *
 * <p>The rate depends only on the epoch number, so a run resumed from a checkpoint continues with
 * the rates the uninterrupted run would have used.
 */
public abstract class LearningRateSchedule implements TrainingListener {

    /** The learning rate of epoch {@code epoch} (the first is 1). */
    public abstract float rate(int epoch);

    @Override
    public void epochStarting(int epoch, TrainingControl training) {
        Optimizer optimizer = training.optimizer();
        if (optimizer != null) {
            optimizer.setLearningRate(rate(epoch));
        }
    }

    /** {@code initial * gamma^((epoch - 1) / every)}: the rate is multiplied by {@code gamma} every {@code every} epochs. */
    public static LearningRateSchedule step(float initial, int every, float gamma) {
        requirePositive(initial, "the initial learning rate");
        if (every < 1) {
            throw new IllegalArgumentException("the step must be at least 1 epoch, got " + every);
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
        }
        return new LearningRateSchedule() {
            @Override
            public float rate(int epoch) {
                return (float) (initial * Math.pow(gamma, (epoch - 1) / every));
            }

            @Override
            public String toString() {
                return "step(lr=" + initial + ", every=" + every + ", gamma=" + gamma + ")";
            }
        };
    }

    /**
     * Half a cosine from {@code initial} at epoch 1 down to {@code minimum} at epoch
     * {@code epochs + 1}: {@code minimum + (initial - minimum) * (1 + cos(pi * (epoch - 1) / epochs)) / 2},
     * PyTorch's {@code CosineAnnealingLR} with {@code T_max = epochs}. Past that it stays at {@code minimum}.
     */
    public static LearningRateSchedule cosine(float initial, int epochs, float minimum) {
        requirePositive(initial, "the initial learning rate");
        if (epochs < 1) {
            throw new IllegalArgumentException("the cosine needs at least 1 epoch, got " + epochs);
        }
        if (!(minimum >= 0 && minimum <= initial)) {
            throw new IllegalArgumentException("the minimum learning rate must be in [0, " + initial + "], got " + minimum);
        }
        return new LearningRateSchedule() {
            @Override
            public float rate(int epoch) {
                int t = Math.min(epoch - 1, epochs);
                return (float) (minimum + (initial - (double) minimum) * (1 + Math.cos(Math.PI * t / epochs)) / 2);
            }

            @Override
            public String toString() {
                return "cosine(lr=" + initial + ", epochs=" + epochs + ", min=" + minimum + ")";
            }
        };
    }

    static void requirePositive(float rate, String what) {
        if (!(rate > 0) || !Float.isFinite(rate)) {
            throw new IllegalArgumentException(what + " must be finite and above 0, got " + rate);
        }
    }
}
