package dev.kiln.runtime.kernels;

import dev.kiln.dsl.Activation;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Direct NHWC convolution on the Vector API, output channels as lanes. Each pass copies its
 * input into a zero-padded buffer when some window reaches outside it, so the tiles never test
 * borders; the copy is small next to the kh*kw*outC multiply-adds each input value takes part in.
 */
final class VectorConv {

    /** From this many input channels up, the input gradient may run with input channels as lanes. */
    static final int FLIPPED_MIN_IN_C = VectorTiles.L / 2;

    /**
     * Kernel rows (kw x inC floats) shorter than this are first laid out as one row of kh x kw x inC
     * floats per output pixel ({@link #windows}), and the forward pass is then one product over that
     * whole depth. The tiles run one call per kernel row, storing and reloading their block between
     * rows; over a first layer's 5 floats (5x5 on one channel) that costs more than the copy:
     * tf-mnist's conv1 forward ran at 13.9-15.8 GFLOP/s through the windows against 9.7-10.0 per
     * kernel row, emotion's at 12.8-15.7 against 9.6-10.6 (interleaved {@code ./kiln kernels}, AVX2 Zen 3).
     */
    static final int WINDOW_ROWS_BELOW = 2 * VectorTiles.L;

    private VectorConv() {
    }

    /**
     * Each output pixel's window of src (a padded or unpadded input srcW pixels wide), in the
     * weights' order (kernel row, kernel column, channel), one row of kh x kw x inC floats per pixel.
     */
    private static float[] windows(ConvGeometry g, float[] src, int srcOff, int srcW) {
        int inC = g.inC(), s = g.stride(), tapLen = g.kw() * inC, depth = g.kh() * tapLen;
        int outH = g.outH(), outW = g.outW(), rowStride = srcW * inC;
        // 2L floats of slack: copy may write whole vectors past the last window.
        float[] windows = Scratch.floats(Scratch.WINDOWS, outH * outW * depth + 2 * VectorTiles.L);
        for (int oh = 0, to = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow++) {
                int from = srcOff + oh * s * rowStride + ow * s * inC;
                for (int tap = 0; tap < g.kh(); tap++, from += rowStride, to += tapLen) {
                    copy(src, from, windows, to, tapLen);
                }
            }
        }
        return windows;
    }

    /**
     * dst[to, to + n) = src[from, from + n) for a kernel row of n < 2L floats, as one or two whole
     * vectors when both arrays reach that far: the lanes past n write garbage that the next row of
     * the window (or nothing, past the last) overwrites, since {@link #windows} fills dst in order.
     * Copied in a loop of 5 floats per kernel row, tf-mnist's conv1 forward ran at 14.4-21.6
     * GFLOP/s against 22.3-23.7, keras-mnist's at 10.9-12.4 against 17.7, emotion's at 15.1-15.5
     * against 21.5-22.7 (interleaved `./kiln kernels` runs, AVX2 Zen 3); with System.arraycopy per
     * row it had been slower than the loop.
     */
    private static void copy(float[] src, int from, float[] dst, int to, int n) {
        int l = VectorTiles.L;
        if (n <= l && from + l <= src.length && to + l <= dst.length) {
            FloatVector.fromArray(VectorTiles.S, src, from).intoArray(dst, to);
        } else if (n <= 2 * l && from + 2 * l <= src.length && to + 2 * l <= dst.length) {
            FloatVector.fromArray(VectorTiles.S, src, from).intoArray(dst, to);
            FloatVector.fromArray(VectorTiles.S, src, from + l).intoArray(dst, to + l);
        } else {
            for (int i = 0; i < n; i++) {
                dst[to + i] = src[from + i];
            }
        }
    }

    static void forward(ConvGeometry g, Activation act, float[] x, int xOff, float[] w, float[] b, float[] y, int yOff) {
        if (SingleChannelConv.applies(g)) {
            SingleChannelConv.forward(g, act, x, xOff, w, b, y, yOff);
            return;
        }
        int inC = g.inC(), s = g.stride();
        int padW = paddedWidth(g);
        float[] src = x;
        int srcOff = xOff, srcW = g.inW();
        if (needsPadding(g)) {
            src = padInput(g, x, xOff);
            srcOff = 0;
            srcW = padW;
        }
        int tapLen = g.kw() * inC, nPix = g.outH() * g.outW();
        if (tapLen < WINDOW_ROWS_BELOW) {
            // A dense product of the windows and w, on the packed-panel tiles: w is only depth x
            // outC floats, packed here on each call. Through forwardNx2, which reads w at a stride
            // it is passed, tf-mnist's conv1 ran at 12.4-13.2 GFLOP/s against 14.4-21.6 (AVX2 Zen 3).
            int depth = g.kh() * tapLen;
            float[] windows = windows(g, src, srcOff, srcW);
            PackedDense.productOnce(nPix, depth, g.outC(), windows, 0, w, b, y, yOff);
            VectorActivations.apply(act, y, yOff, g.outSize());
            return;
        }
        TileLoops.forward(src, srcOff, g.outW(), s * srcW * inC, s * inC, g.kh(), srcW * inC, tapLen,
                w, 0, g.outC(), b, false, act == Activation.RELU, y, yOff, nPix);
        if (act != Activation.RELU) {
            VectorActivations.apply(act, y, yOff, g.outSize());   // ReLU is done by the tiles as they store
        }
    }

    /**
     * The input gradient (overwrites dx), on w as the forward reads it: packs w into a scratch
     * buffer first, as {@link #pack} would once per update for packed callers.
     */
    static void backwardInput(ConvGeometry g, float[] dz, int dzOff, float[] w, float[] dx, int dxOff) {
        float[] packed = Scratch.floats(Scratch.WEIGHTS, g.weightSize());
        pack(g, w, packed);
        backwardInputPacked(g, dz, dzOff, packed, dx, dxOff);
    }

    /**
     * Whether the input gradient runs as a correlation of the spread gradient with the flipped
     * kernel. That needs input channels enough to fill the lanes, and pays off where the output
     * covers the input (SAME, stride 1): it computes every input pixel's whole window, with the
     * taps that fall outside dz multiplying zeros. A VALID convolution (keras-mnist's second, 11x11
     * out of 13x13: 28% of those multiply-adds would be by zeros), a strided one, or one with few
     * input channels takes {@link ConvInputGradient}'s product and scatter instead, which
     * multiplies real output pixels only but stores more: measured here, 82-85 GFLOP/s against
     * 66 on keras-mnist's conv2, and 78-83 against 104 on tf-mnist's SAME conv2.
     */
    static boolean flipsKernel(ConvGeometry g) {
        return g.inC() >= FLIPPED_MIN_IN_C && 5 * g.outH() * g.outW() > 4 * g.inH() * g.inW();
    }

    /** The packed form of w for {@link #backwardInputPacked}: the flipped kernel, or the scatter's operand. */
    static void pack(ConvGeometry g, float[] w, float[] packed) {
        if (flipsKernel(g)) {
            flipKernel(g, w, packed);
        } else {
            ConvInputGradient.pack(g, w, packed);
        }
    }

    static void backwardInputPacked(ConvGeometry g, float[] dz, int dzOff, float[] packed, float[] dx, int dxOff) {
        if (!flipsKernel(g)) {
            ConvInputGradient.backward(g, dz, dzOff, packed, dx, dxOff);
            return;
        }
        // dz goes into a buffer padded by kernel-1 on every side, so that each input pixel's sum is
        // a stride-1 VALID correlation with the flipped kernel, every tap in bounds.
        int outC = g.outC(), inC = g.inC(), kh = g.kh(), kw = g.kw();
        int rows = g.inH() + kh - 1, cols = g.inW() + kw - 1;
        float[] spread = Scratch.floats(Scratch.INPUT, rows * cols * outC);
        spreadGradient(g, dz, dzOff, rows, cols, spread);
        TileLoops.forward(spread, 0, g.inW(), cols * outC, outC, kh, cols * outC, kw * outC,
                packed, 0, inC, Scratch.zeros(inC), false, false, dx, dxOff, g.inH() * g.inW());
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
        int rowJump = s * srcW * inC, nJ = g.kh() * g.kw() * inC, outC = g.outC();
        // Each block of output rows summed from zero into the example's sum, which is then added
        // to dw: chains of a block's pixels instead of the whole image's. An image of one block
        // adds to dw directly.
        int blockRows = Math.ceilDiv(g.outH(), Math.ceilDiv(g.outH() * g.outW(), WEIGHT_BLOCK_PIXELS));
        float[] sums = blockRows < g.outH() ? Scratch.zeroed(Scratch.WEIGHTS, g.weightSize()) : dw;
        boolean fiveWide = FiveWideConvRows.weightsApply(g);
        for (int oh = 0; oh < g.outH(); oh += blockRows) {
            int n = Math.min(blockRows, g.outH() - oh), from = srcOff + oh * rowJump, dzFrom = dzOff + oh * g.outW() * outC;
            if (fiveWide) {
                FiveWideConvRows.weights(g, src, from, srcW, n, dz, dzFrom, sums, db);     // and the bias gradient
            } else {
                TileLoops.weights(src, from, n, g.outW(), rowJump, s * inC, g.kw() * inC, srcW * inC, nJ, dz, dzFrom, outC, sums);
            }
        }
        if (sums != dw) {
            ScalarKernels.addInto(sums, g.weightSize(), dw, 0);
        }
        if (!fiveWide) {
            TileLoops.sumPixels(dz, dzOff, g.outH() * g.outW(), outC, db);
        }
    }

    /**
     * Output pixels summed in one chain of a weight gradient, at most: an image of more is summed in
     * blocks of rows. Against float64 (`tools/gradient_accuracy.py`, batch 64), emotion's conv1
     * weight gradient (48x48 pixels) went from 5.0e-7 to 2.9e-7 and its conv2's (24x24) from 3.0e-7
     * to 2.5e-7, where PyTorch float32's (oneDNN off) are 4.5e-7 and 3.1e-7; lenet-like's conv1
     * from 3.1e-7 to 2.8e-7. The speed did not change measurably.
     */
    static final int WEIGHT_BLOCK_PIXELS = 256;

    static int paddedHeight(ConvGeometry g) {
        return (g.outH() - 1) * g.stride() + g.kh();
    }

    static int paddedWidth(ConvGeometry g) {
        return (g.outW() - 1) * g.stride() + g.kw();
    }

    /** Whether some window reads outside the input. */
    static boolean needsPadding(ConvGeometry g) {
        return g.padTop() > 0 || g.padLeft() > 0 || paddedHeight(g) > g.inH() || paddedWidth(g) > g.inW();
    }

    private static float[] padInput(ConvGeometry g, float[] x, int xOff) {
        int h = paddedHeight(g), w = paddedWidth(g);
        return Padding.zeroPadded(x, xOff, g.inH(), g.inW(), g.inC(), g.padTop(), g.padLeft(), h, w, 0);
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
