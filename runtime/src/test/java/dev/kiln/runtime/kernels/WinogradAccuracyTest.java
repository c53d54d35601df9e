package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.Activation;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What Winograd costs in accuracy, on the second convolution of four seed networks: tf-mnist's
 * (32 -> 64 channels, 5x5 SAME over 14x14, F(2x2, 5x5)), emotion's (32 -> 64, 3x3 SAME over 24x24,
 * F(2x2, 3x3)), keras-mnist's (32 -> 64, 3x3 VALID over 13x13) and pytorch-mnist's (32 -> 64, 2x2
 * VALID over 13x13, F(2x2, 2x2)). In float32, Winograd beside the direct SIMD kernels, both against
 * float64, for the forward pass and the input gradient (as a convolution of its own, and on the
 * forward's tiles). Inputs as the layer sees them: non-negative (ReLU then max pooling) activations,
 * weights drawn normal with a small stddev, as the seed networks initialize them. Prints the
 * figures; fails if Winograd's error leaves the range its transforms explain.
 */
class WinogradAccuracyTest {

    private static final int EXAMPLES = 8;

    @Test
    void tfMnistConv2AgainstFloat64() {
        compare("tf-mnist conv2", new ConvGeometry(32, 14, 14, 64, 5, 5, 1, 2, 2, 14, 14), 0.05);
    }

    @Test
    void emotionConv2AgainstFloat64() {
        compare("emotion conv2", new ConvGeometry(32, 24, 24, 64, 3, 3, 1, 1, 1, 24, 24), 0.02);
    }

    @Test
    void kerasMnistConv2AgainstFloat64() {
        // Keras's default glorot-uniform initialization: limit sqrt(6 / (9*32 + 9*64)), stddev 0.048.
        compare("keras-mnist conv2", new ConvGeometry(32, 13, 13, 64, 3, 3, 1, 0, 0, 11, 11), 0.05);
    }

    @Test
    void pytorchMnistConv2AgainstFloat64() {
        // PyTorch's default initialization: uniform within 1/sqrt(fan-in) = 1/sqrt(128), stddev 0.05.
        compare("pytorch-mnist conv2", new ConvGeometry(32, 13, 13, 64, 2, 2, 1, 0, 0, 12, 12), 0.05);
    }

    private static void compare(String name, ConvGeometry g, double stddev) {
        Random rnd = new Random(10);
        float[] x = new float[EXAMPLES * g.inSize()], dz = new float[EXAMPLES * g.outSize()];
        float[] w = new float[g.weightSize()], b = new float[g.outC()];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.max(0, rnd.nextGaussian());
        for (int i = 0; i < dz.length; i++) dz[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = (float) (stddev * rnd.nextGaussian());
        for (int i = 0; i < b.length; i++) b[i] = (float) (stddev * rnd.nextGaussian());
        float[] u = WinogradConvTest.transformed(g, w, false), uFlipped = WinogradConvTest.transformed(g, w, true);
        float[] uTransposed = WinogradConvTest.transposed(g, w);
        float[] packed = new float[g.weightSize()];
        VectorConv.pack(g, w, packed);

        Errors directForward = new Errors(), winogradForward = new Errors();
        Errors directInput = new Errors(), winogradInput = new Errors(), tilesInput = new Errors();
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
            WinogradInputGradient.backwardInput(g, dz, e * g.outSize(), uTransposed, 0, dx, 0);
            tilesInput.add(dxRef, dx);
        }
        String algorithm = WinogradConv.transforms(g).toString();
        System.out.printf("%s against float64 (%s, %d examples), |error| relative to max|ref| and mean|ref|:%n",
                name, KernelProvider.get().name(), EXAMPLES);
        directForward.print("forward, direct float32");
        winogradForward.print("forward, Winograd " + algorithm + " float32");
        System.out.printf("  forward: Winograd / direct = %.1f (max), %.1f (mean)%n",
                winogradForward.max / directForward.max, winogradForward.mean() / directForward.mean());
        directInput.print("input gradient, direct float32");
        winogradInput.print("input gradient, Winograd float32");
        System.out.printf("  input gradient: Winograd / direct = %.1f (max), %.1f (mean)%n",
                winogradInput.max / directInput.max, winogradInput.mean() / directInput.mean());
        tilesInput.print("input gradient, Winograd on the forward's tiles float32");
        System.out.printf("  input gradient: on the forward's tiles / direct = %.1f (max), %.1f (mean)%n",
                tilesInput.max / directInput.max, tilesInput.mean() / directInput.mean());
        // Sums of up to 800 and 1600 terms: float32's random-walk error is ~sqrt(K) u ~ 2e-6 of the
        // terms; the transforms scale by up to 5 and add 10-20 terms, about 10x that. A wrong tap is O(1).
        assertTrue(winogradForward.relativeMax() < 3e-5, "forward error " + winogradForward.relativeMax());
        assertTrue(winogradInput.relativeMax() < 3e-5, "input gradient error " + winogradInput.relativeMax());
        assertTrue(tilesInput.relativeMax() < 3e-5, "input gradient error on the forward's tiles " + tilesInput.relativeMax());
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
