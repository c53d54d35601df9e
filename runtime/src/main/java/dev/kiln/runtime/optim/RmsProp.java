package dev.kiln.runtime.optim;

import dev.kiln.runtime.model.Parameter;
import java.util.List;

/**
 * RMSProp, in either of the two conventions in use; they differ in where eps goes and where the
 * mean square starts, which matters in the first steps:
 *
 * <pre>
 *   g   = grad + l2 * w                    (the layer's L2 factor)
 *   w   = w * (1 - lr * weightDecay)       (decoupled decay; off by default)
 *   v   = decay * v + (1 - decay) * g^2
 *   TENSORFLOW (tf.train.RMSPropOptimizer): v starts at 1, step = g / sqrt(v + eps), eps 1e-10
 *   PYTORCH    (torch.optim.RMSprop):       v starts at 0, step = g / (sqrt(v) + eps), eps 1e-8
 *   momentum &gt; 0: buf = momentum * buf + step;  w -= lr * buf    (PyTorch's form; TensorFlow keeps
 *                  lr inside buf, which is the same while lr does not change)
 *   otherwise:     w -= lr * step
 * </pre>
 *
 * The default, {@link #withLearningRate}, is TensorFlow's with decay 0.9, since the seed network
 * that uses RMSProp was written for TensorFlow 1 ({@code RMSPropOptimizer(0.001, 0.9)}).
 */
public final class RmsProp extends AbstractOptimizer {
    public enum Convention {
        TENSORFLOW(1e-10f, 1f),
        PYTORCH(1e-8f, 0f);

        final float defaultEps;
        final float initialMeanSquare;

        Convention(float defaultEps, float initialMeanSquare) {
            this.defaultEps = defaultEps;
            this.initialMeanSquare = initialMeanSquare;
        }
    }

    private static final List<String> SLOTS = List.of("v");
    private static final List<String> SLOTS_WITH_MOMENTUM = List.of("v", "momentum");

    private final Convention convention;
    private final float decay;
    private final float eps;
    private final float momentum;

    private RmsProp(float learningRate, Convention convention, float decay, float eps, float momentum, float weightDecay) {
        super(learningRate, weightDecay);
        requireFraction("decay", decay);
        requireNonNegativeFinite("eps", eps);
        requireFraction("momentum", momentum);
        this.convention = convention;
        this.decay = decay;
        this.eps = eps;
        this.momentum = momentum;
    }

    /** TensorFlow 1's RMSProp: decay 0.9, eps 1e-10 inside the square root, mean square starting at 1, no momentum. */
    public static RmsProp withLearningRate(float learningRate) {
        return new RmsProp(learningRate, Convention.TENSORFLOW, 0.9f, Convention.TENSORFLOW.defaultEps, 0f, 0f);
    }

    /** Switches convention, taking that convention's eps. */
    public RmsProp withConvention(Convention convention) {
        return new RmsProp(learningRate(), convention, decay, convention.defaultEps, momentum, weightDecay());
    }

    /** The mean square's decay (TensorFlow's decay, PyTorch's alpha). */
    public RmsProp withDecay(float decay) {
        return new RmsProp(learningRate(), convention, decay, eps, momentum, weightDecay());
    }

    public RmsProp withEps(float eps) {
        return new RmsProp(learningRate(), convention, decay, eps, momentum, weightDecay());
    }

    public RmsProp withMomentum(float momentum) {
        return new RmsProp(learningRate(), convention, decay, eps, momentum, weightDecay());
    }

    public RmsProp withWeightDecay(float weightDecay) {
        return new RmsProp(learningRate(), convention, decay, eps, momentum, weightDecay);
    }

    @Override
    protected List<String> slotNames() {
        return momentum == 0f ? SLOTS : SLOTS_WITH_MOMENTUM;
    }

    @Override
    protected float slotInitialValue(String slot) {
        return slot.equals("v") ? convention.initialMeanSquare : 0f;
    }

    @Override
    protected void update(Parameter p, int from, int to, float[] grad, int gradAt) {
        float[] w = p.value();
        int shift = gradAt - from;              // value i's gradient at grad[shift + i]
        float[] v = slot(p, 0);
        float[] buf = momentum == 0f ? null : slot(p, 1);
        float l2 = p.l2();
        float shrink = decayFactor();
        float lr = learningRate();
        float oneMinusDecay = 1f - decay;
        boolean epsInside = convention == Convention.TENSORFLOW;
        for (int i = from; i < to; i++) {
            float g = grad[shift + i] + l2 * w[i];
            // The mean square and the momentum buffer decay; below the normal range they are
            // flushed to zero (Subnormals: why).
            float vi = Subnormals.flush(decay * v[i] + oneMinusDecay * g * g);
            v[i] = vi;
            float scaled = epsInside ? g / (float) Math.sqrt(vi + eps) : g / ((float) Math.sqrt(vi) + eps);
            float direction = scaled;
            if (buf != null) {
                direction = Subnormals.flush(momentum * buf[i] + scaled);
                buf[i] = direction;
            }
            w[i] = w[i] * shrink - lr * direction;
        }
    }

    @Override
    public String describe() {
        return "rmsprop(lr=" + format(learningRate()) + ", decay=" + format(decay) + ", eps=" + format(eps)
                + ", momentum=" + format(momentum) + ", convention=" + convention.name().toLowerCase(java.util.Locale.ROOT)
                + describeWeightDecay() + ")";
    }
}
