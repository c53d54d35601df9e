package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import dev.kiln.dsl.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Element-wise activations and their gradients on the Vector API, each a separate pass over a
 * contiguous range (the tile kernels leave pre-activation sums, which a dense layer's k-blocking
 * needs anyway). Every lane gives the bits of the scalar formula in {@link ScalarKernels}, NaN
 * and infinities included, whether interpreted or compiled.
 */
final class VectorActivations {

    private VectorActivations() {
    }

    /** v[i] = act(v[i]) for i in [off, off + len). */
    static void apply(Activation act, float[] v, int off, int len) {
        switch (act) {
            case NONE -> { }
            case RELU -> relu(v, off, len);
            case SIGMOID -> sigmoid(v, off, len);
            case TANH -> tanh(v, off, len);
        }
    }

    // ReLU as max(z, 0) with Math.max semantics, as PyTorch: NaN stays NaN (a diverging run shows
    // it in the loss instead of hiding it), and -0.0 becomes +0.0.
    private static void relu(float[] v, int off, int len) {
        int end = off + S.loopBound(len);
        int i = off;
        for (; i < end; i += L) {
            FloatVector.fromArray(S, v, i).max(0f).intoArray(v, i);
        }
        scalarTail(Activation.RELU, v, i, off + len);
    }

    // Sigmoid and tanh run the scalar formula on every lane. The lanewise EXP and TANH of the
    // Vector API are computed by a different library once C2 compiles them (SVML) than in the
    // interpreter (Math), so their results would depend on the JIT's progress. No seed network
    // spends noticeable time here.
    private static void sigmoid(float[] v, int off, int len) {
        scalarTail(Activation.SIGMOID, v, off, off + len);
    }

    private static void tanh(float[] v, int off, int len) {
        scalarTail(Activation.TANH, v, off, off + len);
    }

    private static void scalarTail(Activation act, float[] v, int from, int to) {
        for (int i = from; i < to; i++) {
            v[i] = ScalarKernels.activate(act, v[i]);
        }
    }

    /** dy[i] = dL/dz from dy[i] = dL/dy and y[i] = act(z), for i in [off, off + len). */
    static void backward(Activation act, float[] y, float[] dy, int off, int len) {
        int end = off + S.loopBound(len);
        int i = off;
        switch (act) {
            case NONE -> i = off + len;
            case RELU -> {
                FloatVector zero = FloatVector.zero(S);
                for (; i < end; i += L) {
                    FloatVector out = FloatVector.fromArray(S, y, i);
                    FloatVector.fromArray(S, dy, i).blend(zero, out.compare(VectorOperators.LE, 0f)).intoArray(dy, i);
                }
            }
            case SIGMOID -> {
                for (; i < end; i += L) {
                    FloatVector out = FloatVector.fromArray(S, y, i);
                    FloatVector g = FloatVector.fromArray(S, dy, i);
                    g.mul(out).mul(out.neg().add(1f)).intoArray(dy, i);
                }
            }
            case TANH -> {
                for (; i < end; i += L) {
                    FloatVector out = FloatVector.fromArray(S, y, i);
                    FloatVector g = FloatVector.fromArray(S, dy, i);
                    g.mul(out.mul(out).neg().add(1f)).intoArray(dy, i);
                }
            }
        }
        for (; i < off + len; i++) {
            dy[i] = ScalarKernels.activationGradient(act, y[i], dy[i]);
        }
    }
}
