package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import dev.kiln.dsl.Activation;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Element-wise activations and their gradients on the Vector API, each a separate pass over a
 * contiguous range. A convolution's ReLU is not among them: its tiles apply it as they store. A
 * dense layer's k-blocking leaves pre-activation sums until the last block, so its activation is
 * a pass here, as are sigmoid and tanh everywhere. Every lane gives the bits of the scalar
 * formula in {@link ScalarKernels}, NaN and infinities included, whether interpreted or compiled.
 */
final class VectorActivations {

    private VectorActivations() {
    }

    /**
     * Floats per call of an element-wise loop. A loop over a whole layer, called a few times a
     * step, was compiled on the stack in its first call from a profile that had never seen the
     * loop end; leaving the loop sent it back to the interpreter, where it ran, allocating, for
     * several more steps. Called once per chunk, the loops reach C2 within the first step from
     * a profile that has.
     */
    private static final int CHUNK = 64 * L;

    /** v[i] = act(v[i]) for i in [off, off + len). */
    static void apply(Activation act, float[] v, int off, int len) {
        for (int from = off, end = off + len; from < end; from += CHUNK) {
            int to = Math.min(from + CHUNK, end);
            switch (act) {
                case NONE -> { return; }
                case RELU -> relu(v, from, to);
                case SIGMOID -> scalar(Activation.SIGMOID, v, from, to);
                case TANH -> scalar(Activation.TANH, v, from, to);
            }
        }
    }

    private static void relu(float[] v, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            relu(FloatVector.fromArray(S, v, i)).intoArray(v, i);
        }
        scalar(Activation.RELU, v, i, to);
    }

    /**
     * max(z, 0) lane by lane with Math.max's semantics, as PyTorch: NaN stays NaN (a diverging run
     * shows it in the loss instead of hiding it), and -0.0 becomes +0.0. Written as "0 where z <= 0"
     * (an ordered compare, false for NaN) rather than {@code z.max(0f)}: x86's max instruction
     * differs from Math.max on NaN and signed zeros, so C2 wraps it in a sequence of blends and
     * compares. A one-channel convolution's 8x2 tile, depth 25, ran at 186 GFLOP/s with max and at
     * 199 with this compare and blend, as fast as with no ReLU at all (Zen 5, one thread). The
     * tiles that store activated sums write the same expression out: in a method that large C2
     * stops inlining calls to methods of ours (NodeCountInliningCutoff, even when a compiler
     * directive asks), and a vector passed to a call that is not inlined is allocated.
     */
    static FloatVector relu(FloatVector z) {
        return z.blend(0f, z.compare(VectorOperators.LE, 0f));
    }

    /** Per activation, the tiles' ReLU floor: see {@link #reluFloor}. */
    private static final float[] RELU_FLOORS = new float[Activation.values().length];

    static {
        Arrays.fill(RELU_FLOORS, Float.NaN);
        RELU_FLOORS[Activation.RELU.ordinal()] = 0f;
    }

    /**
     * The value at or below which a tile stores +0.0 ({@link VectorTiles#packedRows8}): 0 for ReLU,
     * NaN for every other activation, which the tiles leave to {@link #apply}. Looked up, not
     * branched on, for the reason given there.
     */
    static float reluFloor(Activation act) {
        return RELU_FLOORS[act.ordinal()];
    }

    // Sigmoid and tanh run the scalar formula on every lane. The lanewise EXP and TANH of the
    // Vector API are computed by a different library once C2 compiles them (SVML) than in the
    // interpreter (Math), so their results would depend on the JIT's progress. No seed network
    // spends noticeable time here.
    private static void scalar(Activation act, float[] v, int from, int to) {
        for (int i = from; i < to; i++) {
            v[i] = ScalarKernels.activate(act, v[i]);
        }
    }

    /** dy[i] = dL/dz from dy[i] = dL/dy and y[i] = act(z), for i in [off, off + len). */
    static void backward(Activation act, float[] y, float[] dy, int off, int len) {
        for (int from = off, end = off + len; from < end; from += CHUNK) {
            int to = Math.min(from + CHUNK, end);
            switch (act) {
                case NONE -> { return; }
                case RELU -> reluBackward(y, dy, from, to);
                case SIGMOID -> sigmoidBackward(y, dy, from, to);
                case TANH -> tanhBackward(y, dy, from, to);
            }
        }
    }

    private static void reluBackward(float[] y, float[] dy, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            FloatVector out = FloatVector.fromArray(S, y, i);
            FloatVector.fromArray(S, dy, i).blend(zero, out.compare(VectorOperators.LE, 0f)).intoArray(dy, i);
        }
        scalarBackward(Activation.RELU, y, dy, i, to);
    }

    private static void sigmoidBackward(float[] y, float[] dy, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            FloatVector out = FloatVector.fromArray(S, y, i);
            FloatVector g = FloatVector.fromArray(S, dy, i);
            g.mul(out).mul(out.neg().add(1f)).intoArray(dy, i);
        }
        scalarBackward(Activation.SIGMOID, y, dy, i, to);
    }

    private static void tanhBackward(float[] y, float[] dy, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            FloatVector out = FloatVector.fromArray(S, y, i);
            FloatVector g = FloatVector.fromArray(S, dy, i);
            g.mul(out.mul(out).neg().add(1f)).intoArray(dy, i);
        }
        scalarBackward(Activation.TANH, y, dy, i, to);
    }

    private static void scalarBackward(Activation act, float[] y, float[] dy, int from, int to) {
        for (int i = from; i < to; i++) {
            dy[i] = ScalarKernels.activationGradient(act, y[i], dy[i]);
        }
    }
}
