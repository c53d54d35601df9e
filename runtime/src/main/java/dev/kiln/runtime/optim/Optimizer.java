package dev.kiln.runtime.optim;

import dev.kiln.runtime.model.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients. The gradients passed in are those of the data loss;
 * the optimizer adds each parameter's L2 term ({@code l2 * w}) itself, and skips parameters that
 * are not trainable.
 */
public interface Optimizer {

    /** One update of every trainable parameter. */
    void step(List<Parameter> parameters);

    /** The learning rate in use (a schedule may change it between steps). */
    float learningRate();

    void setLearningRate(float learningRate);

    /** Everything needed to continue exactly where this optimizer is: moment buffers keyed "param.name/m", counters. */
    Map<String, float[]> state();

    /** Restores what {@link #state()} returned; fails naming the first entry that is missing or of the wrong size. */
    void restore(Map<String, float[]> state, List<Parameter> parameters);

    /** For checkpoints and logs: "adam(lr=0.001, betas=0.9/0.999, eps=1e-08)". */
    String describe();

    /**
     * Starts a step that {@link #updateRange} then applies in pieces, possibly from several threads
     * at once: a model with worker threads splits each parameter by index range among them.
     * Returns false when this optimizer only updates whole steps; the caller then calls
     * {@link #step} instead. Together the pieces give exactly what {@code step(parameters)} gives.
     */
    default boolean beginStep(List<Parameter> parameters) {
        return false;
    }

    /**
     * Updates values {@code [from, to)} of the trainable parameter {@code p} for the step that
     * {@link #beginStep} began. Calls for disjoint ranges may run at the same time.
     */
    default void updateRange(Parameter p, int from, int to) {
        throw new UnsupportedOperationException(describe() + " updates whole steps only");
    }

    /**
     * {@link #updateRange(Parameter, int, int)} with the gradient of value {@code i} read from
     * {@code grad[gradAt + i - from]} instead of {@code p.grad()[i]}: the same update. A model
     * uses it for a weight gradient it computes a block of rows at a time and never stores whole.
     */
    default void updateRange(Parameter p, int from, int to, float[] grad, int gradAt) {
        throw new UnsupportedOperationException(describe() + " updates whole steps only");
    }
}
