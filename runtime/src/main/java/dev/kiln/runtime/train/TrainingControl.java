package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Optimizer;

/**
 * What a {@link TrainingListener} may do to the run it watches: read and change the model's
 * weights and the optimizer's learning rate, or stop training after the current epoch.
 */
public final class TrainingControl {
    private final Model model;
    private final Optimizer optimizer;
    private String stopReason;
    private String weightsReplaced;

    TrainingControl(Model model, Optimizer optimizer) {
        this.model = model;
        this.optimizer = optimizer;
    }

    public Model model() {
        return model;
    }

    /** The optimizer; null when the run has none (tests). */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** Ends training after this epoch; {@code reason} is shown to the user. */
    public void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    public boolean stopRequested() {
        return stopReason != null;
    }

    public String stopReason() {
        return stopReason;
    }

    /**
     * Says that a listener wrote the model's weights (e.g. restored the best epoch's): the trainer
     * then saves them to the checkpoint at the end, so that the file holds what the model holds.
     */
    public void weightsReplaced(String what) {
        weightsReplaced = what;
    }

    /** What {@link #weightsReplaced} said; null when no listener replaced the weights. */
    String weightsReplacement() {
        return weightsReplaced;
    }
}
