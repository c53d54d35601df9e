package dev.kiln.runtime.train;

/**
 * What one epoch of training gave: one row of the training history.
 *
 * @param trainLoss          mean training loss over the epoch's batches (with dropout and L2)
 * @param trainAccuracy      share of training examples whose highest logit was the label, during training
 * @param validationLoss     mean cross-entropy on the validation set after the epoch (no dropout, no L2
 *                           terms); NaN without one
 * @param validationAccuracy share of the validation set classified right after the epoch; NaN without one
 * @param learningRate       the optimizer's learning rate during the epoch; NaN without an optimizer
 * @param seconds            wall time of the epoch's training steps in this run (evaluation not included);
 *                           of a resumed epoch, only the part after the checkpoint
 * @param images             examples trained on in those seconds
 */
public record EpochReport(int epoch, long steps, double trainLoss, double trainAccuracy, double validationLoss,
        double validationAccuracy, double learningRate, double seconds, long images) {

    public double imagesPerSecond() {
        return images / seconds;
    }
}
