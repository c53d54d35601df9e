package dev.kiln.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.runtime.model.Parameter;

/** Small parameters and gradients for optimizer tests. */
final class TinyParameters {
    static final double TOLERANCE = 1e-6;

    private TinyParameters() {
    }

    static Parameter parameter(String name, float l2, boolean trainable, float... values) {
        Parameter p = new Parameter(name, new int[] {values.length}, null, trainable, l2);
        System.arraycopy(values, 0, p.value(), 0, values.length);
        return p;
    }

    /** A gradient that changes sign and size from step to step, so momentum and moments matter. */
    static double gradient(int step, int i) {
        return 0.3 * (i + 1) * (step % 2 == 0 ? -1 : 1) + 0.05 * step - 0.1;
    }

    static void setGradient(Parameter p, int step) {
        for (int i = 0; i < p.size(); i++) {
            p.grad()[i] = (float) gradient(step, i);
        }
    }

    /** Takes {@code steps} steps on {@code p} with the gradients of {@link #gradient}; returns its values. */
    static float[] run(Optimizer optimizer, Parameter p, int steps) {
        for (int t = 1; t <= steps; t++) {
            setGradient(p, t);
            optimizer.step(java.util.List.of(p));
        }
        return p.value();
    }

    static void assertClose(double[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tolerance = TOLERANCE * Math.max(1, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tolerance, what + "[" + i + "]");
        }
    }

    /**
     * Steps {@code optimizer} on a 37-value parameter "w" (whole vectors and a tail) once with
     * {@code gradient} in every value, then {@code quietSteps} times with a zero gradient, and
     * asserts after each step that the state slot {@code slot} holds no subnormal: a stopped
     * gradient lets the state decay through the subnormal range, where x86 computes in microcode.
     */
    static void assertStateNeverSubnormal(Optimizer optimizer, String slot, float gradient, int quietSteps) {
        Parameter p = parameter("w", 0f, true, new float[37]);
        java.util.Arrays.fill(p.grad(), gradient);
        for (int t = 0; t <= quietSteps; t++) {
            optimizer.step(java.util.List.of(p));
            java.util.Arrays.fill(p.grad(), 0f);
            float[] state = optimizer.state().get("w/" + slot);
            for (int i = 0; i < state.length; i++) {
                if (state[i] != 0f && Math.abs(state[i]) < Float.MIN_NORMAL) {
                    throw new AssertionError(slot + "[" + i + "] is subnormal after step " + (t + 1) + ": " + state[i]);
                }
            }
        }
    }

    static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
