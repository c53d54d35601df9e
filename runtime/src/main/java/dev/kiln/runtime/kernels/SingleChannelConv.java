package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import dev.kiln.dsl.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The forward pass of a stride-1 convolution of a one-channel input: a network's first layer on
 * gray images. Its depth is only kh x kw (25 or 9), so a tile that reads its windows as rows of a
 * matrix spends much of each call on setting up rows, and each row's address on an add of its own.
 *
 * <p>Pixel (oh, ow) reads tap (dy, dx) of the padded input (cols = outW + kw - 1 wide) at
 * (oh + dy) * cols + ow + dx: for a run of consecutive pixels of one output row, each tap is one
 * contiguous piece of the input. So the windows of a run of pixels are copied a vector at a time
 * into the packed panel {@link VectorTiles#packedRows8} reads, tap by tap (a vector that runs on
 * into the next output row blends two loads), and multiplied at once by the weights in panels of
 * one vector of output channels ({@link VectorTiles#packedRows8Panels}, two at a time where the
 * registers allow). The runs follow y's order, so the tiles store each group of 8 pixels to y
 * once, with the bias added and ReLU applied; only the image's last, partial group goes through
 * a scratch block. Taking the runs on the padded input's full width instead (cols pixels a row,
 * the last kw - 1 computed and dropped, each tap of a run one plain load) cost tf-mnist's conv1
 * 10.1 us an image against 8.5 (Zen 5, one thread): 896 pixels computed for 784, and a scratch
 * block for each group that crossed a row's end. Through a scratch output of the full width,
 * copied out whole, it had run no faster than on the row tiles (a quarter of the time went to the
 * copy); with y filled with the bias first and ReLU as a pass of its own, those two passes took
 * as long as the products (JFR, batch-256 inference on 2 threads). Kernels 5 wide, where the
 * registers allow, skip the packing: {@link FiveWideConvRows} reads the windows in place.
 */
final class SingleChannelConv {

    /** Output pixels per run of windows: the 8 rows of the packed tile, or one vector where vectors are wider. */
    static final int RUN = Math.max(VectorTiles.PACKED_ROWS, L);

    private SingleChannelConv() {
    }

    /** Whether g runs here: one input channel, stride 1, output channels in whole vectors. */
    static boolean applies(ConvGeometry g) {
        return g.inC() == 1 && g.stride() == 1 && g.outC() % L == 0;
    }

    /** y = act(conv(x) + b) for one example; w is [kh][kw][1][outC] as the layer holds it. */
    static void forward(ConvGeometry g, Activation act, float[] x, int xOff, float[] w, float[] b, float[] y, int yOff) {
        float[] panels = Scratch.floats(Scratch.WEIGHTS, panelsSize(g));
        packPanels(g, w, panels, 0);
        forward(g, act, x, xOff, panels, 0, b, y, yOff);
    }

    /** Floats of the weight panels {@link #packPanels} writes: as many as w has, where g runs here. */
    static int panelsSize(ConvGeometry g) {
        return applies(g) ? g.weightSize() : 0;
    }

    /**
     * Lays w ([kh][kw][1][outC]) out as the tiles read it, from panels[off]: [outC / L][taps][L],
     * one panel per vector of output channels. The model packs once per weight update; a call on
     * w alone packs into scratch per example (about 2% of tf-mnist's conv1 forward).
     */
    static void packPanels(ConvGeometry g, float[] w, float[] panels, int off) {
        int taps = g.kh() * g.kw(), outC = g.outC();
        for (int v = 0; v < outC / L; v++) {
            for (int t = 0; t < taps; t++) {
                FloatVector.fromArray(S, w, t * outC + v * L).intoArray(panels, off + (v * taps + t) * L);
            }
        }
    }

    /** {@link #forward} on the weights as {@link #packPanels} laid them out from panels[panelsOff]. */
    static void forward(ConvGeometry g, Activation act, float[] x, int xOff, float[] panels, int panelsOff,
                        float[] b, float[] y, int yOff) {
        float reluFloor = VectorActivations.reluFloor(act);
        int cols = g.outW() + g.kw() - 1, rows = g.outH() + g.kh() - 1;
        // A vector of windows that ends at the image's last pixel reads up to L - 1 floats past the padded input.
        float[] src = Padding.zeroPadded(x, xOff, g.inH(), g.inW(), 1, g.padTop(), g.padLeft(), rows, cols, L);
        if (FiveWideConvRows.applies(g)) {
            FiveWideConvRows.forward(g, src, cols, panels, panelsOff, b, reluFloor, y, yOff);
        } else if (ThreeWideConvRows.applies(g)) {
            ThreeWideConvRows.forward(g, src, cols, panels, panelsOff, b, reluFloor, y, yOff);
        } else {
            forwardOnPackedWindows(g, src, cols, panels, panelsOff, b, reluFloor, y, yOff);
        }
        if (act != Activation.RELU) {
            VectorActivations.apply(act, y, yOff, g.outSize());    // ReLU is done as the tiles store
        }
    }

    /** y = the convolution of the padded input src (cols wide) with the panels from panelsOff, plus b, on packed runs of windows. */
    private static void forwardOnPackedWindows(ConvGeometry g, float[] src, int cols, float[] panels, int panelsOff,
                                               float[] b, float reluFloor, float[] y, int yOff) {
        int kh = g.kh(), kw = g.kw(), taps = kh * kw, outC = g.outC(), vectors = outC / L;
        int outW = g.outW(), pixels = g.outH() * outW, runs = (pixels + RUN - 1) / RUN;
        int rows8 = VectorTiles.PACKED_ROWS;
        float[] edge = Scratch.floats(Scratch.OUT, rows8 * outC);
        float[] windows = Scratch.floats(Scratch.WINDOWS, taps * RUN);     // one run's: [taps][RUN]
        for (int run = 0; run < runs; run++) {
            int p0 = run * RUN;
            for (int j = 0; j < RUN && p0 + j < pixels; j += L) {
                packWindows(src, p0 + j, pixels, outW, cols, kh, kw, windows, j);
            }
            for (int r = 0; r < RUN && p0 + r < pixels; r += rows8) {
                int p = p0 + r, real = Math.min(rows8, pixels - p);
                float[] c = real == rows8 ? y : edge;
                int at = real == rows8 ? yOff + p * outC : 0;
                VectorTiles.packedRows8Panels(windows, r, RUN, panels, panelsOff, taps * L, taps, vectors, b, 0, 0, reluFloor, c, at, outC);
                if (real < rows8) {
                    System.arraycopy(edge, 0, y, yOff + p * outC, real * outC);     // the image's last pixels
                }
            }
        }
    }

    /**
     * The windows of the L output pixels from p (in y's order, row by row), tap by tap, to
     * windows[t*RUN + j, + L). Pixel (oh, ow) reads tap (dy, dx) at src[(oh + dy)*cols + ow + dx]:
     * pixels of one output row are consecutive there, and a row's next is kw - 1 floats on. So a
     * vector that stays in one row (or whose lanes past its row are past the image, and not stored)
     * is one load a tap; one that runs on into the next row blends two loads, its lanes in that row
     * read from where they would sit had the row gone on; narrower outputs are gathered lane by lane.
     */
    private static void packWindows(float[] src, int p, int pixels, int outW, int cols, int kh, int kw,
                                    float[] windows, int j) {
        int oh = p / outW, ow = p - oh * outW;
        int from = oh * cols + ow, inRow = outW - ow;
        if (inRow >= L || p + inRow >= pixels) {
            for (int dy = 0, to = j; dy < kh; dy++) {
                for (int dx = 0, at = from + dy * cols; dx < kw; dx++, to += RUN) {
                    FloatVector.fromArray(S, src, at + dx).intoArray(windows, to);
                }
            }
        } else if (L - inRow <= outW) {
            VectorMask<Float> thisRow = S.indexInRange(0, inRow);
            int next = (oh + 1) * cols - inRow;
            for (int dy = 0, to = j; dy < kh; dy++) {
                for (int dx = 0, tap = dy * cols + dx; dx < kw; dx++, tap++, to += RUN) {
                    FloatVector.fromArray(S, src, next + tap)
                            .blend(FloatVector.fromArray(S, src, from + tap), thisRow)
                            .intoArray(windows, to);
                }
            }
        } else {
            for (int i = 0; i < L; i++) {
                int q = Math.min(p + i, pixels - 1), qh = q / outW, at = qh * cols + q - qh * outW;
                for (int dy = 0, to = j + i; dy < kh; dy++) {
                    for (int dx = 0; dx < kw; dx++, to += RUN) {
                        windows[to] = src[at + dy * cols + dx];
                    }
                }
            }
        }
    }
}
