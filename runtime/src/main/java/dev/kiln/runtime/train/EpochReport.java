package dev.kiln.runtime.train;

/**
 * What one epoch of training gave.
 *
 * @param trainLoss     mean training loss over the epoch's batches (with dropout and L2)
 * @param trainAccuracy share of training examples whose highest logit was the label, during training
 * @param testAccuracy  share of the test set classified right after the epoch; NaN without a test set
 * @param seconds       wall time of the epoch's training steps in this run (evaluation not included);
 *                      of a resumed epoch, only the part after the checkpoint
 * @param images        examples trained on in those seconds
 */
public record EpochReport(
        int epoch, long steps, double trainLoss, double trainAccuracy, double testAccuracy, double seconds, long images) {

    public double imagesPerSecond() {
        return images / seconds;
    }
}
