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
}
