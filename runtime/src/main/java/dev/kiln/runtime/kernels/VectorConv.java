package dev.kiln.runtime.kernels;

import dev.kiln.dsl.Activation;
import java.util.Arrays;

/**
 * Direct NHWC convolution on the Vector API, output channels as lanes. Each pass copies its
 * input into a zero-padded buffer when some window reaches outside it, so the tiles never test
 * borders; the copy is small next to the kh*kw*outC multiply-adds each input value takes part in.
 */
final class VectorConv {

    /** From this many input channels up, the input gradient runs with input channels as lanes. */
    static final int FLIPPED_MIN_IN_C = VectorTiles.L / 2;

    private VectorConv() {
    }

    static void forward(ConvGeometry g, Activation act, float[] x, int xOff, float[] w, float[] b, float[] y, int yOff) {
        int inC = g.inC(), s = g.stride();
        int padW = paddedWidth(g);
        float[] src = x;
        int srcOff = xOff, srcW = g.inW();
        if (needsPadding(g)) {
            src = padInput(g, x, xOff);
            srcOff = 0;
            srcW = padW;
        }
        TileLoops.forward(src, srcOff, g.outW(), s * srcW * inC, s * inC, g.kh(), srcW * inC, g.kw() * inC,
                w, 0, g.outC(), b, false, y, yOff, g.outH() * g.outW());
        VectorActivations.apply(act, y, yOff, g.outSize());
    }

    /**
     * The input gradient sums, for each input pixel, dz over the output pixels whose windows read
     * it. dz is first copied into a buffer padded by kernel-1 on every side (and, for stride s > 1,
     * with s-1 zero rows and columns between its pixels), so that sum is a stride-1 VALID
     * correlation with the kernel flipped, every tap of every input pixel in bounds.
     */
    static void backwardInput(ConvGeometry g, float[] dz, int dzOff, float[] w, float[] dx, int dxOff) {
        float[] flipped = null;
        if (inputChannelsAsLanes(g)) {
            // Built per call here (kh*kw*inC*outC floats); packed callers build it once per update.
            flipped = Scratch.floats(Scratch.WEIGHTS, g.weightSize());
            flipKernel(g, w, flipped);
        }
        backwardInput(g, dz, dzOff, w, flipped, dx, dxOff);
    }

    /** Whether the input gradient runs with input channels as lanes, on the flipped kernel. */
    static boolean inputChannelsAsLanes(ConvGeometry g) {
        return g.inC() >= FLIPPED_MIN_IN_C;
    }

    /** The packed form of w for {@link #backwardInputPacked}: the flipped kernel, or w itself. */
    static void pack(ConvGeometry g, float[] w, float[] packed) {
        if (inputChannelsAsLanes(g)) {
            flipKernel(g, w, packed);
        } else {
            System.arraycopy(w, 0, packed, 0, g.weightSize());
        }
    }

    static void backwardInputPacked(ConvGeometry g, float[] dz, int dzOff, float[] packed, float[] dx, int dxOff) {
        boolean flipped = inputChannelsAsLanes(g);
        backwardInput(g, dz, dzOff, flipped ? null : packed, flipped ? packed : null, dx, dxOff);
    }

    /**
     * With input channels as lanes (flipped given) the forward tiles run on the flipped kernel, its
     * channel axes swapped; with few input channels, which would leave most lanes empty, dot
     * products over output channels run on w.
     */
    private static void backwardInput(ConvGeometry g, float[] dz, int dzOff, float[] w, float[] flipped,
                                      float[] dx, int dxOff) {
        int outC = g.outC(), inC = g.inC(), kh = g.kh(), kw = g.kw();
        int rows = g.inH() + kh - 1, cols = g.inW() + kw - 1;
        float[] spread = Scratch.floats(Scratch.INPUT, rows * cols * outC);
        spreadGradient(g, dz, dzOff, rows, cols, spread);
        if (flipped != null) {
            TileLoops.forward(spread, 0, g.inW(), cols * outC, outC, kh, cols * outC, kw * outC,
                    flipped, 0, inC, Scratch.zeros(inC), false, dx, dxOff, g.inH() * g.inW());
        } else {
            int tap0 = ((kh - 1) * cols + kw - 1) * outC;      // the cell tap (0, 0) reads for input pixel (0, 0)
            TileLoops.dots(spread, tap0, g.inW(), cols * outC, outC, kh, kw, -cols * outC, -outC,
                    w, kw * inC * outC, inC * outC, outC, inC, dx, dxOff, g.inH() * g.inW());
        }
    }

    static void backwardWeights(ConvGeometry g, float[] x, int xOff, float[] dz, int dzOff, float[] dw, float[] db) {
        int inC = g.inC(), s = g.stride();
        float[] src = x;
        int srcOff = xOff, srcW = g.inW();
        if (needsPadding(g)) {
            src = padInput(g, x, xOff);
            srcOff = 0;
            srcW = paddedWidth(g);
        }
        TileLoops.weights(src, srcOff, g.outH(), g.outW(), s * srcW * inC, s * inC, g.kw() * inC, srcW * inC,
                g.kh() * g.kw() * inC, dz, dzOff, g.outC(), dw);
        TileLoops.sumPixels(dz, dzOff, g.outH() * g.outW(), g.outC(), db);
    }

    private static int paddedHeight(ConvGeometry g) {
        return (g.outH() - 1) * g.stride() + g.kh();
    }

    private static int paddedWidth(ConvGeometry g) {
        return (g.outW() - 1) * g.stride() + g.kw();
    }

    /** Whether some window reads outside the input. */
    private static boolean needsPadding(ConvGeometry g) {
        return g.padTop() > 0 || g.padLeft() > 0 || paddedHeight(g) > g.inH() || paddedWidth(g) > g.inW();
    }

    private static float[] padInput(ConvGeometry g, float[] x, int xOff) {
        int h = paddedHeight(g), w = paddedWidth(g);
        float[] dst = Scratch.floats(Scratch.INPUT, h * w * g.inC());
        Scratch.copyPadded(x, xOff, g.inH(), g.inW(), g.inC(), g.padTop(), g.padLeft(), h, w, dst);
        return dst;
    }

    /** buf[r][c][:] = dz[oh][ow][:] where r = oh*stride + kh-1-padTop and c = ow*stride + kw-1-padLeft; else 0. */
    private static void spreadGradient(ConvGeometry g, float[] dz, int dzOff, int rows, int cols, float[] buf) {
        int outC = g.outC(), s = g.stride();
        int top = g.kh() - 1 - g.padTop(), left = g.kw() - 1 - g.padLeft();
        Arrays.fill(buf, 0, rows * cols * outC, 0f);
        for (int oh = 0; oh < g.outH(); oh++) {
            int r = oh * s + top;
            if (r < 0 || r >= rows) continue;
            for (int ow = 0; ow < g.outW(); ow++) {
                int c = ow * s + left;
                if (c < 0 || c >= cols) continue;
                System.arraycopy(dz, dzOff + (oh * g.outW() + ow) * outC, buf, (r * cols + c) * outC, outC);
            }
        }
    }

    /** flipped[kh-1-i][kw-1-j][oc][ic] = w[i][j][ic][oc]. */
    private static void flipKernel(ConvGeometry g, float[] w, float[] flipped) {
        int inC = g.inC(), outC = g.outC(), taps = g.kh() * g.kw();
        for (int tap = 0; tap < taps; tap++) {
            int src = tap * inC * outC, dst = (taps - 1 - tap) * inC * outC;   // (i, j) -> (kh-1-i, kw-1-j)
            for (int ic = 0; ic < inC; ic++) {
                for (int oc = 0; oc < outC; oc++) {
                    flipped[dst + oc * inC + ic] = w[src + ic * outC + oc];
                }
            }
        }
    }
}
