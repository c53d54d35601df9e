package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;
import static jdk.incubator.vector.VectorOperators.LE;

import jdk.incubator.vector.FloatVector;

/**
 * The forward pass of a one-channel convolution whose kernel is 3 wide (keras-mnist's and
 * pytorch-mnist's first layer), reading the windows in place in the padded input, 7 pixels of one
 * output row at a time, as {@link FiveWideConvRows} does for 5-wide kernels.
 *
 * <p>A kernel row of 7 pixels reads 9 inputs. Each is broadcast once and multiplied at once by
 * the taps that use it (pixel j takes input i as tap i - j), so a broadcast lives for three
 * multiply-adds and the tile needs 7 accumulators, the kernel row's 3 weight vectors and one
 * broadcast per vector of channels: two vectors of channels fit 32 registers (AVX-512, AArch64),
 * one fits AVX2's 16. (The 5-wide tile streamed this way on 16 registers ran no faster than the
 * packed windows there: 63 GFLOP/s against 59-68 on tf-mnist's, tf-16-36's and emotion's first
 * layers.) Each pixel still takes its taps in the order dy, dx, and the bias after them, as the
 * packed windows of {@link SingleChannelConv} do: the same bits. A row of other widths than a
 * multiple of 7 ends on a tile that overlaps the one before it (its first pixels computed twice
 * the same way), as in the 5-wide tile.
 */
final class ThreeWideConvRows {

    /** Output pixels per tile. */
    static final int PIXELS = 7;

    /** Kernel width the tile is written for. */
    static final int KW = 3;

    /** Whether two vectors of channels fit the registers ({@link #rows7x2}: 14 accumulators, 6 weights, a broadcast). */
    private static final boolean PAIRS = VectorTiles.REGISTERS >= 32;

    private ThreeWideConvRows() {
    }

    /** Whether g's forward runs here: a 3-wide kernel, rows of at least one tile, output channels in whole vectors. */
    static boolean applies(ConvGeometry g) {
        return g.kw() == KW && g.outW() >= PIXELS && g.outC() % L == 0;
    }

    /**
     * y = the convolution of the padded input src (cols wide, stride 1) with the weight panels
     * ([outC / L][kh][3][L] from panelsOff), plus b, with the floor's ReLU (see {@link VectorActivations#reluFloor}).
     */
    static void forward(ConvGeometry g, float[] src, int cols, float[] panels, int panelsOff, float[] b, float reluFloor,
                        float[] y, int yOff) {
        int outH = g.outH(), outW = g.outW(), outC = g.outC(), kh = g.kh(), panel = kh * KW * L;
        for (int oh = 0; oh < outH; oh++) {
            for (int tile = 0; tile < outW; tile += PIXELS) {
                int ow = Math.min(tile, outW - PIXELS);     // the last tile of a row may overlap the one before
                int at = oh * cols + ow, out = yOff + (oh * outW + ow) * outC;
                int v = 0;
                for (; PAIRS && v + 2 <= outC / L; v += 2) {
                    rows7x2(src, at, cols, kh, panels, panelsOff + v * panel, panelsOff + (v + 1) * panel, b, v * L, reluFloor, y, out + v * L, outC);
                }
                for (; v < outC / L; v++) {
                    rows7x1(src, at, cols, kh, panels, panelsOff + v * panel, b, v * L, reluFloor, y, out + v * L, outC);
                }
            }
        }
    }

    /**
     * For 7 pixels j: c[cOff + j*cStride, + 2L) = act(bias[biasOff, + 2L) + the sum over dy < kh, dx
     * < 3 of a[aOff + dy*cols + dx + j] times the weight vectors at b[bOff + (dy*3 + dx)*L] (the
     * first L channels) and b[bOff1 + ...] (the next L)).
     */
    static void rows7x2(float[] a, int aOff, int cols, int kh, float[] b, int bOff, int bOff1,
                        float[] bias, int biasOff, float reluFloor, float[] c, int cOff, int cStride) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0;
        FloatVector d0 = c0, d1 = c0, d2 = c0, d3 = c0, d4 = c0, d5 = c0, d6 = c0;
        for (int dy = 0; dy < kh; dy++) {
            int r = aOff + dy * cols, k = dy * KW * L;
            FloatVector v0 = FloatVector.fromArray(S, b, bOff + k), v1 = FloatVector.fromArray(S, b, bOff + k + L),
                    v2 = FloatVector.fromArray(S, b, bOff + k + 2 * L);
            FloatVector w0 = FloatVector.fromArray(S, b, bOff1 + k), w1 = FloatVector.fromArray(S, b, bOff1 + k + L),
                    w2 = FloatVector.fromArray(S, b, bOff1 + k + 2 * L);
            // Input i is tap 0 of pixel i, tap 1 of pixel i - 1 and tap 2 of pixel i - 2.
            FloatVector x = FloatVector.broadcast(S, a[r]);
            c0 = x.fma(v0, c0); d0 = x.fma(w0, d0);
            x = FloatVector.broadcast(S, a[r + 1]);
            c0 = x.fma(v1, c0); d0 = x.fma(w1, d0); c1 = x.fma(v0, c1); d1 = x.fma(w0, d1);
            x = FloatVector.broadcast(S, a[r + 2]);
            c0 = x.fma(v2, c0); d0 = x.fma(w2, d0); c1 = x.fma(v1, c1); d1 = x.fma(w1, d1); c2 = x.fma(v0, c2); d2 = x.fma(w0, d2);
            x = FloatVector.broadcast(S, a[r + 3]);
            c1 = x.fma(v2, c1); d1 = x.fma(w2, d1); c2 = x.fma(v1, c2); d2 = x.fma(w1, d2); c3 = x.fma(v0, c3); d3 = x.fma(w0, d3);
            x = FloatVector.broadcast(S, a[r + 4]);
            c2 = x.fma(v2, c2); d2 = x.fma(w2, d2); c3 = x.fma(v1, c3); d3 = x.fma(w1, d3); c4 = x.fma(v0, c4); d4 = x.fma(w0, d4);
            x = FloatVector.broadcast(S, a[r + 5]);
            c3 = x.fma(v2, c3); d3 = x.fma(w2, d3); c4 = x.fma(v1, c4); d4 = x.fma(w1, d4); c5 = x.fma(v0, c5); d5 = x.fma(w0, d5);
            x = FloatVector.broadcast(S, a[r + 6]);
            c4 = x.fma(v2, c4); d4 = x.fma(w2, d4); c5 = x.fma(v1, c5); d5 = x.fma(w1, d5); c6 = x.fma(v0, c6); d6 = x.fma(w0, d6);
            x = FloatVector.broadcast(S, a[r + 7]);
            c5 = x.fma(v2, c5); d5 = x.fma(w2, d5); c6 = x.fma(v1, c6); d6 = x.fma(w1, d6);
            x = FloatVector.broadcast(S, a[r + 8]);
            c6 = x.fma(v2, c6); d6 = x.fma(w2, d6);
        }
        FloatVector bc = FloatVector.fromArray(S, bias, biasOff), bd = FloatVector.fromArray(S, bias, biasOff + L);
        // The epilogue spelled out, as in FiveWideConvRows: through a helper taking one vector at a
        // time, which C2 left out of this large method, the vectors were boxed and the tile ran 3x slower.
        c0 = c0.add(bc); d0 = d0.add(bd);
        c1 = c1.add(bc); d1 = d1.add(bd);
        c2 = c2.add(bc); d2 = d2.add(bd);
        c3 = c3.add(bc); d3 = d3.add(bd);
        c4 = c4.add(bc); d4 = d4.add(bd);
        c5 = c5.add(bc); d5 = d5.add(bd);
        c6 = c6.add(bc); d6 = d6.add(bd);
        c0 = c0.blend(0f, c0.compare(LE, reluFloor)); d0 = d0.blend(0f, d0.compare(LE, reluFloor));
        c1 = c1.blend(0f, c1.compare(LE, reluFloor)); d1 = d1.blend(0f, d1.compare(LE, reluFloor));
        c2 = c2.blend(0f, c2.compare(LE, reluFloor)); d2 = d2.blend(0f, d2.compare(LE, reluFloor));
        c3 = c3.blend(0f, c3.compare(LE, reluFloor)); d3 = d3.blend(0f, d3.compare(LE, reluFloor));
        c4 = c4.blend(0f, c4.compare(LE, reluFloor)); d4 = d4.blend(0f, d4.compare(LE, reluFloor));
        c5 = c5.blend(0f, c5.compare(LE, reluFloor)); d5 = d5.blend(0f, d5.compare(LE, reluFloor));
        c6 = c6.blend(0f, c6.compare(LE, reluFloor)); d6 = d6.blend(0f, d6.compare(LE, reluFloor));
        int f = cOff + L;
        c0.intoArray(c, cOff); d0.intoArray(c, f);
        c1.intoArray(c, cOff + cStride); d1.intoArray(c, f + cStride);
        c2.intoArray(c, cOff + 2 * cStride); d2.intoArray(c, f + 2 * cStride);
        c3.intoArray(c, cOff + 3 * cStride); d3.intoArray(c, f + 3 * cStride);
        c4.intoArray(c, cOff + 4 * cStride); d4.intoArray(c, f + 4 * cStride);
        c5.intoArray(c, cOff + 5 * cStride); d5.intoArray(c, f + 5 * cStride);
        c6.intoArray(c, cOff + 6 * cStride); d6.intoArray(c, f + 6 * cStride);
    }

    /** {@link #rows7x2} for one vector of channels, b[bOff + (dy*3 + dx)*L]. */
    static void rows7x1(float[] a, int aOff, int cols, int kh, float[] b, int bOff,
                        float[] bias, int biasOff, float reluFloor, float[] c, int cOff, int cStride) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0;
        for (int dy = 0; dy < kh; dy++) {
            int r = aOff + dy * cols, k = dy * KW * L;
            FloatVector v0 = FloatVector.fromArray(S, b, bOff + k), v1 = FloatVector.fromArray(S, b, bOff + k + L),
                    v2 = FloatVector.fromArray(S, b, bOff + k + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[r]);
            c0 = x.fma(v0, c0);
            x = FloatVector.broadcast(S, a[r + 1]);
            c0 = x.fma(v1, c0); c1 = x.fma(v0, c1);
            x = FloatVector.broadcast(S, a[r + 2]);
            c0 = x.fma(v2, c0); c1 = x.fma(v1, c1); c2 = x.fma(v0, c2);
            x = FloatVector.broadcast(S, a[r + 3]);
            c1 = x.fma(v2, c1); c2 = x.fma(v1, c2); c3 = x.fma(v0, c3);
            x = FloatVector.broadcast(S, a[r + 4]);
            c2 = x.fma(v2, c2); c3 = x.fma(v1, c3); c4 = x.fma(v0, c4);
            x = FloatVector.broadcast(S, a[r + 5]);
            c3 = x.fma(v2, c3); c4 = x.fma(v1, c4); c5 = x.fma(v0, c5);
            x = FloatVector.broadcast(S, a[r + 6]);
            c4 = x.fma(v2, c4); c5 = x.fma(v1, c5); c6 = x.fma(v0, c6);
            x = FloatVector.broadcast(S, a[r + 7]);
            c5 = x.fma(v2, c5); c6 = x.fma(v1, c6);
            x = FloatVector.broadcast(S, a[r + 8]);
            c6 = x.fma(v2, c6);
        }
        FloatVector bc = FloatVector.fromArray(S, bias, biasOff);
        c0 = c0.add(bc); c1 = c1.add(bc); c2 = c2.add(bc); c3 = c3.add(bc); c4 = c4.add(bc); c5 = c5.add(bc); c6 = c6.add(bc);
        c0 = c0.blend(0f, c0.compare(LE, reluFloor)); c1 = c1.blend(0f, c1.compare(LE, reluFloor));
        c2 = c2.blend(0f, c2.compare(LE, reluFloor)); c3 = c3.blend(0f, c3.compare(LE, reluFloor));
        c4 = c4.blend(0f, c4.compare(LE, reluFloor)); c5 = c5.blend(0f, c5.compare(LE, reluFloor));
        c6 = c6.blend(0f, c6.compare(LE, reluFloor));
        c0.intoArray(c, cOff); c1.intoArray(c, cOff + cStride); c2.intoArray(c, cOff + 2 * cStride);
        c3.intoArray(c, cOff + 3 * cStride); c4.intoArray(c, cOff + 4 * cStride); c5.intoArray(c, cOff + 5 * cStride);
        c6.intoArray(c, cOff + 6 * cStride);
    }
}
