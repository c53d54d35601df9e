package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Parameter;
import java.util.List;
import java.util.Locale;

/**
 * Stops training when the monitored metric has not improved by more than {@code minDelta} for
 * {@code patience} epochs in a row, and at the end puts back the weights of the best epoch (Keras's
 * {@code EarlyStopping(restore_best_weights=True)}). Keeping those weights costs one copy of the
 * parameters.
 */
public final class EarlyStopping implements TrainingListener {
    private final Metric metric;
    private final int patience;
    private final double minDelta;
    private final boolean restoreBestWeights;
    private double best = Double.NaN;
    private int bestEpoch;
    private int epochsWithoutImprovement;
    private float[][] bestWeights;

    private EarlyStopping(Metric metric, int patience, double minDelta, boolean restoreBestWeights) {
        if (patience < 1) {
            throw new IllegalArgumentException("the patience must be at least 1 epoch, got " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("minDelta must be 0 or more, got " + minDelta);
        }
        this.metric = metric;
        this.patience = patience;
        this.minDelta = minDelta;
        this.restoreBestWeights = restoreBestWeights;
    }

    /** Watches {@code metric}, stops after {@code patience} epochs without improvement, restores the best weights. */
    public static EarlyStopping on(Metric metric, int patience) {
        return new EarlyStopping(metric, patience, 0, true);
    }

    /** The same, counting only improvements larger than {@code minDelta}. */
    public EarlyStopping minDelta(double minDelta) {
        return new EarlyStopping(metric, patience, minDelta, restoreBestWeights);
    }

    /** The same, leaving the last epoch's weights in the model. */
    public EarlyStopping keepLastWeights() {
        return new EarlyStopping(metric, patience, minDelta, false);
    }

    /** The best epoch so far (0: none yet). */
    public int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public void epochEnded(EpochReport report, TrainingControl training) {
        double value = metric.of(report);
        if (Double.isNaN(best) || metric.improves(value, best, minDelta)) {
            best = value;
            bestEpoch = report.epoch();
            epochsWithoutImprovement = 0;
            if (restoreBestWeights) {
                bestWeights = copy(training.model().parameters());
            }
            return;
        }
        epochsWithoutImprovement++;
        if (epochsWithoutImprovement >= patience) {
            training.stop(String.format(Locale.ROOT, "early stopping after epoch %d: %s has not improved for %d epoch%s"
                    + " (best %.6g at epoch %d)", report.epoch(), metric.key(), patience, patience == 1 ? "" : "s", best,
                    bestEpoch));
        }
    }

    @Override
    public void trainingEnded(List<EpochReport> history, TrainingControl training) {
        if (bestWeights == null || history.isEmpty() || history.get(history.size() - 1).epoch() == bestEpoch) {
            return;
        }
        List<Parameter> parameters = training.model().parameters();
        for (int i = 0; i < parameters.size(); i++) {
            System.arraycopy(bestWeights[i], 0, parameters.get(i).value(), 0, bestWeights[i].length);
            parameters.get(i).markChanged();
        }
        training.weightsReplaced("restored the weights of epoch " + bestEpoch + ", the best by " + metric.key());
    }

    private static float[][] copy(List<Parameter> parameters) {
        float[][] copy = new float[parameters.size()][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = parameters.get(i).value().clone();
        }
        return copy;
    }
}
