package dev.kiln.runtime.optim;

import dev.kiln.runtime.model.Parameter;
import java.util.List;

/**
 * Stochastic gradient descent as {@code torch.optim.SGD} computes it (dampening 0):
 *
 * <pre>
 *   g    = grad + l2 * w                   (the layer's L2 factor)
 *   w    = w * (1 - lr * weightDecay)      (decoupled decay; off by default)
 *   buf  = momentum * buf + g              (when momentum &gt; 0; buf starts at 0, so step 1 gives buf = g as in torch)
 *   w   -= lr * (nesterov ? g + momentum * buf : buf)
 * </pre>
 */
public final class Sgd extends AbstractOptimizer {
    private static final List<String> MOMENTUM_SLOT = List.of("momentum");

    private final float momentum;
    private final boolean nesterov;

    private Sgd(float learningRate, float momentum, boolean nesterov, float weightDecay) {
        super(learningRate, weightDecay);
        requireFraction("momentum", momentum);
        if (nesterov && momentum == 0f) {
            throw new IllegalArgumentException("Nesterov momentum needs a momentum above 0");
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    /** Plain SGD: {@code w -= lr * g}. */
    public static Sgd withLearningRate(float learningRate) {
        return new Sgd(learningRate, 0f, false, 0f);
    }

    public Sgd withMomentum(float momentum) {
        return new Sgd(learningRate(), momentum, nesterov, weightDecay());
    }

    public Sgd withNesterov(boolean nesterov) {
        return new Sgd(learningRate(), momentum, nesterov, weightDecay());
    }

    public Sgd withWeightDecay(float weightDecay) {
        return new Sgd(learningRate(), momentum, nesterov, weightDecay);
    }

    @Override
    protected List<String> slotNames() {
        return momentum == 0f ? List.of() : MOMENTUM_SLOT;
    }

    @Override
    protected void update(Parameter p, int from, int to, float[] grad, int gradAt) {
        float[] w = p.value();
        int shift = gradAt - from;              // value i's gradient at grad[shift + i]
        float l2 = p.l2();
        float decay = decayFactor();
        float lr = learningRate();
        if (momentum == 0f) {
            for (int i = from; i < to; i++) {
                float g = grad[shift + i] + l2 * w[i];
                w[i] = w[i] * decay - lr * g;
            }
            return;
        }
        float[] buf = slot(p, 0);
        for (int i = from; i < to; i++) {
            float g = grad[shift + i] + l2 * w[i];
            float b = Subnormals.flush(momentum * buf[i] + g);     // a decaying buffer: Subnormals says why
            buf[i] = b;
            float direction = nesterov ? g + momentum * b : b;
            w[i] = w[i] * decay - lr * direction;
        }
    }

    @Override
    public String describe() {
        return "sgd(lr=" + format(learningRate()) + ", momentum=" + format(momentum)
                + (nesterov ? ", nesterov" : "") + describeWeightDecay() + ")";
    }
}
