package dev.kiln.runtime.optim;

import dev.kiln.runtime.model.Parameter;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adam as {@code torch.optim.Adam} computes it (and AdamW when decoupled weight decay is set):
 *
 * <pre>
 *   g  = grad + l2 * w                      (the layer's L2 factor; torch's weight_decay)
 *   w  = w * (1 - lr * weightDecay)         (decoupled decay, AdamW; off by default)
 *   m  = m + (1 - beta1) * (g - m)          (torch's lerp form of beta1 * m + (1 - beta1) * g)
 *   v  = beta2 * v + (1 - beta2) * g^2
 *   w -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * The hyper-parameters are kept in double and the bias corrections computed in double once per
 * step, as torch does in Python; the per-element arithmetic is float, with the scalars rounded to
 * float as torch passes them to its kernels. Defaults: betas 0.9 / 0.999, eps 1e-8.
 */
public final class Adam extends AbstractOptimizer {
    private static final List<String> SLOTS = List.of("m", "v");
    private static final int M = 0;
    private static final int V = 1;

    private final double beta1;
    private final double beta2;
    private final double eps;
    /** Per step: lr / (1 - beta1^t) and sqrt(1 - beta2^t). */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private float stepSize;
    private float correction2Sqrt;

    private Adam(float learningRate, double beta1, double beta2, double eps, float weightDecay) {
        super(learningRate, weightDecay);
        requireFraction("beta1", beta1);
        requireFraction("beta2", beta2);
        requireNonNegativeFinite("eps", eps);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** Adam with PyTorch's defaults: betas 0.9 / 0.999, eps 1e-8, no weight decay. */
    public static Adam withLearningRate(float learningRate) {
        return new Adam(learningRate, 0.9, 0.999, 1e-8, 0f);
    }

    public Adam withBetas(double beta1, double beta2) {
        return new Adam(learningRate(), beta1, beta2, eps, weightDecay());
    }

    public Adam withEps(double eps) {
        return new Adam(learningRate(), beta1, beta2, eps, weightDecay());
    }

    /** Decoupled weight decay (AdamW): {@code w -= lr * weightDecay * w} each step. */
    public Adam withWeightDecay(float weightDecay) {
        return new Adam(learningRate(), beta1, beta2, eps, weightDecay);
    }

    @Override
    protected List<String> slotNames() {
        return SLOTS;
    }

    @Override
    protected void prepare(long step) {
        stepSize = (float) (learningRate() / (1 - Math.pow(beta1, step)));
        correction2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
    }

    @Override
    protected void update(Parameter p, int from, int to, float[] grad, int gradAt) {
        float[] w = p.value();
        int shift = gradAt - from;              // value i's gradient at grad[shift + i]
        float[] m = slot(p, M);
        float[] v = slot(p, V);
        float l2 = p.l2();
        float decay = decayFactor();
        float oneMinusBeta1 = (float) (1 - beta1);
        float beta2f = (float) beta2;
        float oneMinusBeta2 = (float) (1 - beta2);
        float epsf = (float) eps;
        // Whole vectors, then the rest one by one: each value takes the same operations in the same
        // order either way (no fused multiply-adds), so the bits do not depend on where it falls.
        // The moments are flushed to zero below the normal range (Subnormals: why).
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector wOld = FloatVector.fromArray(S, w, i), mOld = FloatVector.fromArray(S, m, i);
            FloatVector g = FloatVector.fromArray(S, grad, shift + i).add(wOld.mul(l2));
            FloatVector mi = Subnormals.flush(mOld.add(g.sub(mOld).mul(oneMinusBeta1)));
            FloatVector vi = Subnormals.flush(FloatVector.fromArray(S, v, i).mul(beta2f).add(g.mul(oneMinusBeta2).mul(g)));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            wOld.mul(decay).sub(mi.div(vi.sqrt().div(correction2Sqrt).add(epsf)).mul(stepSize)).intoArray(w, i);
        }
        for (; i < to; i++) {
            float g = grad[shift + i] + l2 * w[i];
            float wi = w[i] * decay;
            float mi = Subnormals.flush(m[i] + oneMinusBeta1 * (g - m[i]));
            float vi = Subnormals.flush(beta2f * v[i] + oneMinusBeta2 * g * g);
            m[i] = mi;
            v[i] = vi;
            w[i] = wi - stepSize * (mi / ((float) Math.sqrt(vi) / correction2Sqrt + epsf));
        }
    }

    @Override
    public String describe() {
        return "adam(lr=" + format(learningRate()) + ", betas=" + format(beta1) + "/" + format(beta2)
                + ", eps=" + format(eps) + describeWeightDecay() + ")";
    }
}
