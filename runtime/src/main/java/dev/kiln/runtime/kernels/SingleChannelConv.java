package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import dev.kiln.dsl.Activation;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The forward pass of a stride-1 convolution of a one-channel input: a network's first layer on
 * gray images. Its depth is only kh x kw (25 or 9), so a tile that reads its windows as rows of a
 * matrix spends much of each call on setting up rows, and each row's address on an add of its own.
 *
 * <p>Here the output pixels are taken on the padded input's full width (cols = outW + kw - 1, the
 * kw - 1 pixels past outW in each row computed and dropped), which makes pixel q read the input at
 * q + dy * cols + dx for tap (dy, dx): for a run of consecutive pixels, each tap is one contiguous
 * piece of the input. So the windows of a run are copied a vector at a time into the packed panel
 * {@link VectorTiles#packedRows8} reads, tap by tap, and multiplied at once by the weights in
 * panels of one vector of output channels ({@link VectorTiles#packedRows8Panels}, two at a time
 * where the registers allow). The tiles add the bias and apply ReLU as they store, so each group of 8
 * pixels inside one output row is written to y once; a group that reaches past its row's end goes
 * through a scratch block, from which only its real pixels are copied. Through a scratch output of
 * the full width, copied out whole, tf-mnist's conv1 ran no faster than on the row tiles (a
 * quarter of the time went to the copy); with y filled with the bias first and ReLU as a pass of
 * its own, those two passes took as long as the products (JFR, batch-256 inference on 2 threads).
 */
final class SingleChannelConv {

    /** Output pixels per run of windows: the 8 rows of the packed tile, or one vector where vectors are wider. */
    static final int RUN = Math.max(VectorTiles.PACKED_ROWS, L);

    private SingleChannelConv() {
    }

    /**
     * The pixels of a group of 8 that began at (oh, ow) of the full-width output and are real
     * (column below outW, row below outH), from edge[8][outC] to their places in y.
     */
    private static void copyRealPixels(float[] edge, int oh, int ow, int outW, int outH, int cols, int outC,
                                       float[] y, int yOff) {
        for (int j = 0; j < VectorTiles.PACKED_ROWS; j++, ow++) {
            if (ow == cols) {
                ow = 0;
                oh++;
            }
            if (oh < outH && ow < outW) {
                System.arraycopy(edge, j * outC, y, yOff + (oh * outW + ow) * outC, outC);
            }
        }
    }

    /** Whether g runs here: one input channel, stride 1, output channels in whole vectors. */
    static boolean applies(ConvGeometry g) {
        return g.inC() == 1 && g.stride() == 1 && g.outC() % L == 0;
    }

    /** y = act(conv(x) + b) for one example; w is [kh][kw][1][outC] as the layer holds it. */
    static void forward(ConvGeometry g, Activation act, float[] x, int xOff, float[] w, float[] b, float[] y, int yOff) {
        int kh = g.kh(), kw = g.kw(), taps = kh * kw, outC = g.outC(), vectors = outC / L;
        boolean relu = act == Activation.RELU;
        int outH = g.outH(), outW = g.outW();
        int cols = outW + kw - 1, rows = outH + kh - 1;
        int pixels = outH * cols, runs = (pixels + RUN - 1) / RUN;
        // The last run's last tap reads up to runs*RUN - pixels + kw - 1 floats past the padded input.
        int inputSize = rows * cols, slack = runs * RUN - pixels + kw - 1;
        float[] src = Scratch.floats(Scratch.INPUT, inputSize + slack);
        Scratch.copyPadded(x, xOff, g.inH(), g.inW(), 1, g.padTop(), g.padLeft(), rows, cols, src);
        Arrays.fill(src, inputSize, inputSize + slack, 0f);

        float[] panels = Scratch.floats(Scratch.WEIGHTS, taps * outC);     // [outC / L][taps][L]
        for (int v = 0; v < vectors; v++) {
            for (int t = 0; t < taps; t++) {
                FloatVector.fromArray(S, w, t * outC + v * L).intoArray(panels, (v * taps + t) * L);
            }
        }
        int rows8 = VectorTiles.PACKED_ROWS;
        float[] edge = Scratch.floats(Scratch.OUT, rows8 * outC);
        float[] windows = Scratch.floats(Scratch.WINDOWS, taps * RUN);     // one run's: [taps][RUN]
        for (int run = 0; run < runs; run++) {
            int q0 = run * RUN;
            for (int dy = 0, to = 0; dy < kh; dy++) {
                for (int dx = 0; dx < kw; dx++, to += RUN) {
                    int from = q0 + dy * cols + dx;
                    for (int j = 0; j < RUN; j += L) {
                        FloatVector.fromArray(S, src, from + j).intoArray(windows, to + j);
                    }
                }
            }
            for (int r = 0; r < RUN; r += rows8) {
                int q = q0 + r, oh = q / cols, ow = q - oh * cols;
                if (oh >= outH) {
                    break;                          // past the last output row: nothing of it is kept
                }
                boolean inRow = ow + rows8 <= outW;
                float[] c = inRow ? y : edge;
                int at = inRow ? yOff + (oh * outW + ow) * outC : 0;
                VectorTiles.packedRows8Panels(windows, r, RUN, panels, 0, taps * L, taps, vectors, b, 0, 0, relu, c, at, outC);
                if (!inRow) {
                    copyRealPixels(edge, oh, ow, outW, outH, cols, outC, y, yOff);
                }
            }
        }
        if (!relu) {
            VectorActivations.apply(act, y, yOff, g.outSize());    // ReLU is done as the tiles store
        }
    }
}
