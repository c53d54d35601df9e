package dev.kiln.runtime.optim;

import dev.kiln.runtime.model.Parameter;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every optimizer shares: the learning rate, the step counter, decoupled weight decay, the
 * per-parameter state buffers ("slots") and their checkpoint round trip.
 *
 * <p>Each step, for every trainable parameter, the subclass sees the gradient with the layer's L2
 * term already in mind: {@code g = grad + l2 * w} is formed inside its own loop (so nothing is
 * allocated). Decoupled weight decay, when set, shrinks the weight first, as AdamW does:
 * {@code w -= lr * weightDecay * w}, using the weight before the decay for the L2 term.
 */
public abstract class AbstractOptimizer implements Optimizer {
    private float learningRate;
    private final float weightDecay;
    private long step;
    /**
     * Each parameter's buffers, indexed like {@link #slotNames()}; created on its first update,
     * then reused. Looked up by identity so that a step allocates nothing (no key strings).
     */
    private final Map<Parameter, float[][]> slots = new IdentityHashMap<>();
    /** The same buffers by parameter name, in the order they were created: the order of {@link #state()}. */
    private final Map<String, float[][]> slotsByName = new LinkedHashMap<>();

    protected AbstractOptimizer(float learningRate, float weightDecay) {
        requireNonNegativeFinite("learning rate", learningRate);
        requireNonNegativeFinite("weight decay", weightDecay);
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
    }

    @Override
    public final void step(List<Parameter> parameters) {
        beginStep(parameters);
        for (int i = 0; i < parameters.size(); i++) {     // indexed: no iterator in a training step
            Parameter p = parameters.get(i);
            if (p.trainable()) {
                update(p, 0, p.size(), p.grad(), 0);
            }
        }
    }

    /**
     * Counts the step, lets the subclass {@link #prepare} its per-step constants, and creates any
     * missing slot now, on this thread, so that {@link #updateRange} calls only read the slot map
     * and may run on several threads at once.
     */
    @Override
    public final boolean beginStep(List<Parameter> parameters) {
        step++;
        prepare(step);
        int slotCount = slotNames().size();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            for (int s = 0; s < slotCount && p.trainable(); s++) {
                slot(p, s);
            }
        }
        return true;
    }

    @Override
    public final void updateRange(Parameter p, int from, int to) {
        checkRange(p, from, to);
        update(p, from, to, p.grad(), from);
    }

    @Override
    public final void updateRange(Parameter p, int from, int to, float[] grad, int gradAt) {
        checkRange(p, from, to);
        if (gradAt < 0 || gradAt > grad.length - (to - from)) {
            throw new IndexOutOfBoundsException("the gradient of " + p.name() + "'s range [" + from + ", " + to + ") at "
                    + gradAt + " of " + grad.length + " values");
        }
        update(p, from, to, grad, gradAt);
    }

    private static void checkRange(Parameter p, int from, int to) {
        if (from < 0 || to > p.size() || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + p.name() + " (" + p.size() + " values)");
        }
    }

    /** Per-step constants (e.g. Adam's bias corrections) for step {@code step}, 1 for the first; before any update of that step. */
    protected void prepare(long step) {
    }

    /**
     * Updates values {@code [from, to)} of one trainable parameter for the current step, the
     * gradient of value {@code i} at {@code grad[gradAt + i - from]}. Each value's update depends
     * only on that index, so ranges may run in any order or in parallel. Implementations read
     * {@link #decayFactor()} and each {@link #slot} they need.
     */
    protected abstract void update(Parameter p, int from, int to, float[] grad, int gradAt);

    /** The slot names this optimizer keeps for every trainable parameter, e.g. "m", "v"; {@link #slot} takes their index. */
    protected abstract List<String> slotNames();

    /** The value a slot starts from (0 for moments; TensorFlow's RMSProp starts its mean square at 1). */
    protected float slotInitialValue(String slot) {
        return 0f;
    }

    /** {@code 1 - lr * weightDecay}: the factor decoupled weight decay multiplies each weight by. */
    protected final float decayFactor() {
        return 1f - learningRate * weightDecay;
    }

    /** The buffer of slot number {@code index} (in {@link #slotNames()}) of {@code p}. */
    protected final float[] slot(Parameter p, int index) {
        float[][] buffers = slots.get(p);
        if (buffers == null) {
            buffers = newBuffers(p);
            slots.put(p, buffers);
            slotsByName.put(p.name(), buffers);
        }
        return buffers[index];
    }

    private float[][] newBuffers(Parameter p) {
        List<String> names = slotNames();
        float[][] buffers = new float[names.size()][p.size()];
        for (int i = 0; i < buffers.length; i++) {
            Arrays.fill(buffers[i], slotInitialValue(names.get(i)));
        }
        return buffers;
    }

    /** Updates taken so far. */
    public final long steps() {
        return step;
    }

    public final float weightDecay() {
        return weightDecay;
    }

    @Override
    public final float learningRate() {
        return learningRate;
    }

    @Override
    public final void setLearningRate(float learningRate) {
        requireNonNegativeFinite("learning rate", learningRate);
        this.learningRate = learningRate;
    }

    @Override
    public final Map<String, float[]> state() {
        Map<String, float[]> state = new LinkedHashMap<>();
        state.put(StepCounter.KEY, StepCounter.encode(step));
        List<String> names = slotNames();
        slotsByName.forEach((name, buffers) -> {
            for (int i = 0; i < buffers.length; i++) {
                state.put(name + "/" + names.get(i), buffers[i].clone());
            }
        });
        return state;
    }

    /**
     * Restores every slot of every trainable parameter; entries for parameters that are not
     * given are ignored. A state saved before the first step holds no slots and restores to that.
     */
    @Override
    public final void restore(Map<String, float[]> state, List<Parameter> parameters) {
        long restoredStep = StepCounter.decode(state.get(StepCounter.KEY));
        List<String> names = slotNames();
        Map<Parameter, float[][]> restored = new IdentityHashMap<>();
        Map<String, float[][]> restoredByName = new LinkedHashMap<>();
        if (restoredStep > 0) {
            for (Parameter p : parameters) {
                if (!p.trainable()) {
                    continue;
                }
                float[][] buffers = new float[names.size()][];
                for (int i = 0; i < buffers.length; i++) {
                    String key = p.name() + "/" + names.get(i);
                    float[] values = state.get(key);
                    if (values == null) {
                        throw new IllegalArgumentException(describe() + ": the saved state has no entry '" + key
                                + "' (was it saved by another optimizer? its entries: " + state.keySet() + ")");
                    }
                    if (values.length != p.size()) {
                        throw new IllegalArgumentException(describe() + ": the saved entry '" + key + "' holds "
                                + values.length + " values, but " + p.name() + " has " + p.size());
                    }
                    buffers[i] = values.clone();
                }
                restored.put(p, buffers);
                restoredByName.put(p.name(), buffers);
            }
        }
        slots.clear();
        slots.putAll(restored);
        slotsByName.clear();
        slotsByName.putAll(restoredByName);
        step = restoredStep;
    }

    /** Formats a hyper-parameter for {@link #describe()}: shortest round-trip form, "0.001", "1.0E-8". */
    protected static String format(float value) {
        return Float.toString(value);
    }

    protected static String format(double value) {
        return Double.toString(value);
    }

    /** ", weight_decay=..." when decoupled decay is on, else "". */
    protected final String describeWeightDecay() {
        return weightDecay == 0f ? "" : ", weight_decay=" + format(weightDecay);
    }

    protected static void requireNonNegativeFinite(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be finite and at least 0, got " + value);
        }
    }

    protected static void requireFraction(String what, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1), got " + value);
        }
    }
}
