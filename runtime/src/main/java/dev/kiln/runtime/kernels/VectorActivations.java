package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import dev.kiln.dsl.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Element-wise activations and their gradients on the Vector API, each a separate pass over a
 * contiguous range (the tile kernels leave pre-activation sums, which a dense layer's k-blocking
 * needs anyway). Tails use the scalar formulas, so both paths agree lane for lane on ReLU.
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

    // ReLU as "z > 0 ? z : 0", not max(z, 0): max would keep NaN and -0.0 where the scalar path gives 0.
    private static void relu(float[] v, int off, int len) {
        int end = off + S.loopBound(len);
        FloatVector zero = FloatVector.zero(S);
        int i = off;
        for (; i < end; i += L) {
            FloatVector z = FloatVector.fromArray(S, v, i);
            zero.blend(z, z.compare(VectorOperators.GT, 0f)).intoArray(v, i);
        }
        scalarTail(Activation.RELU, v, i, off + len);
    }

    private static void sigmoid(float[] v, int off, int len) {
        int end = off + S.loopBound(len);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = off;
        for (; i < end; i += L) {
            FloatVector z = FloatVector.fromArray(S, v, i);
            one.div(z.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(v, i);
        }
        scalarTail(Activation.SIGMOID, v, i, off + len);
    }

    private static void tanh(float[] v, int off, int len) {
        int end = off + S.loopBound(len);
        int i = off;
        for (; i < end; i += L) {
            FloatVector.fromArray(S, v, i).lanewise(VectorOperators.TANH).intoArray(v, i);
        }
        scalarTail(Activation.TANH, v, i, off + len);
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
                    zero.blend(FloatVector.fromArray(S, dy, i), out.compare(VectorOperators.GT, 0f)).intoArray(dy, i);
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
