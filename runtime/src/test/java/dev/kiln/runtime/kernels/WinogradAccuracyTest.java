package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.Activation;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What Winograd costs in accuracy: tf-mnist's conv2 (32 -> 64 channels, 5x5 SAME over 14x14) in
 * float32, Winograd F(2x2, 5x5) beside the direct SIMD kernels, both against float64, for the
 * forward pass and the input gradient. Inputs as the layer sees them: non-negative (ReLU then max
 * pooling) activations, weights drawn as tf-mnist initializes them (normal, stddev 0.05).
 * Prints the figures; fails if Winograd's error leaves the range its transforms explain.
 */
class WinogradAccuracyTest {

    private static final ConvGeometry CONV2 = new ConvGeometry(32, 14, 14, 64, 5, 5, 1, 2, 2, 14, 14);
    private static final int EXAMPLES = 8;

    @Test
    void tfMnistConv2AgainstFloat64() {
        ConvGeometry g = CONV2;
        Random rnd = new Random(10);
        float[] x = new float[EXAMPLES * g.inSize()], dz = new float[EXAMPLES * g.outSize()];
        float[] w = new float[g.weightSize()], b = new float[g.outC()];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.max(0, rnd.nextGaussian());
        for (int i = 0; i < dz.length; i++) dz[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = (float) (0.05 * rnd.nextGaussian());
        for (int i = 0; i < b.length; i++) b[i] = (float) (0.05 * rnd.nextGaussian());
        float[] u = WinogradConvTest.transformed(g, w, false), uFlipped = WinogradConvTest.transformed(g, w, true);
        float[] packed = new float[g.weightSize()];
        VectorConv.pack(g, w, packed);

        Errors directForward = new Errors(), winogradForward = new Errors();
        Errors directInput = new Errors(), winogradInput = new Errors();
        float[] y = new float[g.outSize()], dx = new float[g.inSize()];
        float[] zeros = new float[g.inC()];
        for (int e = 0; e < EXAMPLES; e++) {
            double[] ref = WinogradConvTest.directForward(g, x, e * g.inSize(), w, b)[0];
            VectorConv.forward(g, Activation.NONE, x, e * g.inSize(), w, b, y, 0);
            directForward.add(ref, y);
            WinogradConv.forward(g, Activation.NONE, x, e * g.inSize(), u, 0, b, y, 0);
            winogradForward.add(ref, y);

            double[] dxRef = inputGradient(g, dz, e * g.outSize(), w);
            VectorConv.backwardInputPacked(g, dz, e * g.outSize(), packed, dx, 0);
            directInput.add(dxRef, dx);
            WinogradConv.forward(WinogradConv.dual(g), Activation.NONE, dz, e * g.outSize(), uFlipped, 0, zeros, dx, 0);
            winogradInput.add(dxRef, dx);
        }
        System.out.printf("tf-mnist conv2 against float64 (%s, %d examples), |error| relative to max|ref| and mean|ref|:%n",
                KernelProvider.get().name(), EXAMPLES);
        directForward.print("forward, direct float32");
        winogradForward.print("forward, Winograd F(2x2,5x5) float32");
        System.out.printf("  forward: Winograd / direct = %.1f (max), %.1f (mean)%n",
                winogradForward.max / directForward.max, winogradForward.mean() / directForward.mean());
        directInput.print("input gradient, direct float32");
        winogradInput.print("input gradient, Winograd float32");
        System.out.printf("  input gradient: Winograd / direct = %.1f (max), %.1f (mean)%n",
                winogradInput.max / directInput.max, winogradInput.mean() / directInput.mean());
        // 800 and 1600-term sums: float32's random-walk error is ~sqrt(K) u ~ 2e-6 of the terms;
        // the transforms scale by up to 5 and add 10-20 terms, about 10x that. A wrong tap is O(1).
        assertTrue(winogradForward.relativeMax() < 3e-5, "forward error " + winogradForward.relativeMax());
        assertTrue(winogradInput.relativeMax() < 3e-5, "input gradient error " + winogradInput.relativeMax());
    }

    /** dx in double: the sum over output pixels and channels of dz * w over the windows that read each input. */
    private static double[] inputGradient(ConvGeometry g, float[] dz, int dzOff, float[] w) {
        int inC = g.inC(), outC = g.outC();
        double[] dx = new double[g.inSize()];
        ConvTaps.forEach(g, (out, tap, in) -> {
            for (int ic = 0; ic < inC; ic++) {
                double s = 0;
                for (int oc = 0; oc < outC; oc++) {
                    s += (double) dz[dzOff + out * outC + oc] * w[(tap * inC + ic) * outC + oc];
                }
                dx[in * inC + ic] += s;
            }
        });
        return dx;
    }

    /** Running max and mean of |float32 - float64|, and of |float64|. */
    private static final class Errors {
        double max, sum, refMax, refSum;
        long n;

        void add(double[] ref, float[] got) {
            for (int i = 0; i < ref.length; i++) {
                double err = Math.abs(got[i] - ref[i]);
                max = Math.max(max, err);
                sum += err;
                refMax = Math.max(refMax, Math.abs(ref[i]));
                refSum += Math.abs(ref[i]);
                n++;
            }
        }

        double mean() {
            return sum / n;
        }

        double relativeMax() {
            return max / refMax;
        }

        void print(String what) {
            System.out.printf("  %-40s max %.2e (%.2e of max|ref|), mean %.2e (%.2e of mean|ref|)%n",
                    what, max, relativeMax(), mean(), sum / refSum);
        }
    }
}
