package dev.kiln.runtime.train;

import dev.kiln.runtime.optim.Optimizer;

/**
 * Multiplies the learning rate by {@code factor} when the monitored metric has not improved for
 * {@code patience} epochs in a row, never going below {@code minimum} (Keras's
 * {@code ReduceLROnPlateau}, without cooldown). Its count of epochs without improvement lives in
 * this object only: a resumed run starts counting afresh.
 */
public final class ReduceLearningRateOnPlateau implements TrainingListener {
    private final Metric metric;
    private final float factor;
    private final int patience;
    private final float minimum;
    private double best = Double.NaN;
    private int epochsWithoutImprovement;

    public ReduceLearningRateOnPlateau(Metric metric, float factor, int patience, float minimum) {
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("the factor must be in (0, 1), got " + factor);
        }
        if (patience < 1) {
            throw new IllegalArgumentException("the patience must be at least 1 epoch, got " + patience);
        }
        if (!(minimum >= 0)) {
            throw new IllegalArgumentException("the minimum learning rate must be 0 or more, got " + minimum);
        }
        this.metric = metric;
        this.factor = factor;
        this.patience = patience;
        this.minimum = minimum;
    }

    @Override
    public void epochEnded(EpochReport report, TrainingControl training) {
        double value = metric.of(report);
        if (Double.isNaN(best) || metric.improves(value, best, 0)) {
            best = value;
            epochsWithoutImprovement = 0;
            return;
        }
        epochsWithoutImprovement++;
        Optimizer optimizer = training.optimizer();
        if (epochsWithoutImprovement >= patience && optimizer != null) {
            optimizer.setLearningRate(Math.max(optimizer.learningRate() * factor, minimum));
            epochsWithoutImprovement = 0;
        }
    }

    @Override
    public String toString() {
        return "reduceOnPlateau(" + metric.key() + ", factor=" + factor + ", patience=" + patience + ", min=" + minimum + ")";
    }
}
