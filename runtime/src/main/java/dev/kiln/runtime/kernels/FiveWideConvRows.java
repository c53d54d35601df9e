package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;
import static jdk.incubator.vector.VectorOperators.LE;

import jdk.incubator.vector.FloatVector;

/**
 * The forward pass of a one-channel convolution whose kernel is 5 wide (tf-mnist's and emotion's
 * first layer), reading its windows in place in the padded input, 7 pixels of one output row at a
 * time. The 7 pixels' taps in one kernel row are 11 consecutive inputs, so a kernel row costs 11
 * broadcasts for its 70 products of each vector of channels, where the packed windows of {@link
 * SingleChannelConv} cost one broadcast per pixel and tap (35) and a copy of every window first. 7
 * and not 8: a row of 28 or 14 pixels is whole tiles, and a row of other widths ends on a tile that
 * overlaps the one before it (its first pixels computed twice, the same way, so stored twice with
 * the same value) while 8 would leave a quarter of a 28-pixel row's last tile idle. The kernel's
 * width is fixed because each tap's broadcast must be a register the tile names: a loop over the
 * taps that slides 8 registers along ran slower than the packed windows (129 against 155 GFLOP/s).
 * On tf-mnist's conv1 (Zen 5, one thread, a probe of both in one JVM): 190-194 GFLOP/s against
 * 153-157, the same bits (each sum takes its taps in the same order).
 */
final class FiveWideConvRows {

    /** Output pixels per tile. */
    static final int PIXELS = 7;

    /** Kernel width the tile is written for. */
    static final int KW = 5;

    private FiveWideConvRows() {
    }

    /**
     * Whether g's forward runs here: a 5-wide kernel, rows of at least one tile, and output channels
     * in pairs of vectors on a machine with registers for the tile's 14 pairs of accumulators.
     */
    static boolean applies(ConvGeometry g) {
        return g.kw() == KW && g.outW() >= PIXELS && VectorTiles.PACKED_PAIRS && g.outC() % (2 * L) == 0;
    }

    /**
     * y = the convolution of the padded input src (cols wide, stride 1) with the weight panels
     * ([outC / L][kh][5][L]), plus b, with the floor's ReLU (see {@link VectorActivations#reluFloor}).
     */
    static void forward(ConvGeometry g, float[] src, int cols, float[] panels, float[] b, float reluFloor,
                        float[] y, int yOff) {
        int outH = g.outH(), outW = g.outW(), outC = g.outC(), kh = g.kh(), panel = kh * KW * L;
        for (int oh = 0; oh < outH; oh++) {
            for (int tile = 0; tile < outW; tile += PIXELS) {
                int ow = Math.min(tile, outW - PIXELS);     // the last tile of a row may overlap the one before
                int at = oh * cols + ow, out = yOff + (oh * outW + ow) * outC;
                for (int v = 0; v < outC / L; v += 2) {
                    rows7x2(src, at, cols, kh, panels, v * panel, (v + 1) * panel, b, v * L, reluFloor, y, out + v * L, outC);
                }
            }
        }
    }

    /**
     * For 7 pixels j: c[cOff + j*cStride, + 2L) = act(bias[biasOff, + 2L) + the sum over dy < kh, dx
     * < 5 of a[aOff + dy*cols + dx + j] times the weight vectors at b[bOff + (dy*5 + dx)*L] (the
     * first L channels) and b[bOff1 + ...] (the next L). Taps in the order dy, dx, as the packed
     * tile takes them; the bias added once after the sums.
     */
    static void rows7x2(float[] a, int aOff, int cols, int kh, float[] b, int bOff, int bOff1,
                        float[] bias, int biasOff, float reluFloor, float[] c, int cOff, int cStride) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0;
        FloatVector d0 = c0, d1 = c0, d2 = c0, d3 = c0, d4 = c0, d5 = c0, d6 = c0;
        for (int dy = 0; dy < kh; dy++) {
            int r = aOff + dy * cols, k = dy * KW * L;
            // The 11 inputs of this kernel row: pixel j's tap dx is x(j + dx).
            FloatVector x0 = FloatVector.broadcast(S, a[r + 0]), x1 = FloatVector.broadcast(S, a[r + 1]), x2 = FloatVector.broadcast(S, a[r + 2]), x3 = FloatVector.broadcast(S, a[r + 3]);
            FloatVector x4 = FloatVector.broadcast(S, a[r + 4]), x5 = FloatVector.broadcast(S, a[r + 5]), x6 = FloatVector.broadcast(S, a[r + 6]), x7 = FloatVector.broadcast(S, a[r + 7]);
            FloatVector x8 = FloatVector.broadcast(S, a[r + 8]), x9 = FloatVector.broadcast(S, a[r + 9]), x10 = FloatVector.broadcast(S, a[r + 10]);
            FloatVector v = FloatVector.fromArray(S, b, bOff + k), w = FloatVector.fromArray(S, b, bOff1 + k);
            c0 = x0.fma(v, c0); d0 = x0.fma(w, d0);
            c1 = x1.fma(v, c1); d1 = x1.fma(w, d1);
            c2 = x2.fma(v, c2); d2 = x2.fma(w, d2);
            c3 = x3.fma(v, c3); d3 = x3.fma(w, d3);
            c4 = x4.fma(v, c4); d4 = x4.fma(w, d4);
            c5 = x5.fma(v, c5); d5 = x5.fma(w, d5);
            c6 = x6.fma(v, c6); d6 = x6.fma(w, d6);
            v = FloatVector.fromArray(S, b, bOff + k + 1 * L);
            w = FloatVector.fromArray(S, b, bOff1 + k + 1 * L);
            c0 = x1.fma(v, c0); d0 = x1.fma(w, d0);
            c1 = x2.fma(v, c1); d1 = x2.fma(w, d1);
            c2 = x3.fma(v, c2); d2 = x3.fma(w, d2);
            c3 = x4.fma(v, c3); d3 = x4.fma(w, d3);
            c4 = x5.fma(v, c4); d4 = x5.fma(w, d4);
            c5 = x6.fma(v, c5); d5 = x6.fma(w, d5);
            c6 = x7.fma(v, c6); d6 = x7.fma(w, d6);
            v = FloatVector.fromArray(S, b, bOff + k + 2 * L);
            w = FloatVector.fromArray(S, b, bOff1 + k + 2 * L);
            c0 = x2.fma(v, c0); d0 = x2.fma(w, d0);
            c1 = x3.fma(v, c1); d1 = x3.fma(w, d1);
            c2 = x4.fma(v, c2); d2 = x4.fma(w, d2);
            c3 = x5.fma(v, c3); d3 = x5.fma(w, d3);
            c4 = x6.fma(v, c4); d4 = x6.fma(w, d4);
            c5 = x7.fma(v, c5); d5 = x7.fma(w, d5);
            c6 = x8.fma(v, c6); d6 = x8.fma(w, d6);
            v = FloatVector.fromArray(S, b, bOff + k + 3 * L);
            w = FloatVector.fromArray(S, b, bOff1 + k + 3 * L);
            c0 = x3.fma(v, c0); d0 = x3.fma(w, d0);
            c1 = x4.fma(v, c1); d1 = x4.fma(w, d1);
            c2 = x5.fma(v, c2); d2 = x5.fma(w, d2);
            c3 = x6.fma(v, c3); d3 = x6.fma(w, d3);
            c4 = x7.fma(v, c4); d4 = x7.fma(w, d4);
            c5 = x8.fma(v, c5); d5 = x8.fma(w, d5);
            c6 = x9.fma(v, c6); d6 = x9.fma(w, d6);
            v = FloatVector.fromArray(S, b, bOff + k + 4 * L);
            w = FloatVector.fromArray(S, b, bOff1 + k + 4 * L);
            c0 = x4.fma(v, c0); d0 = x4.fma(w, d0);
            c1 = x5.fma(v, c1); d1 = x5.fma(w, d1);
            c2 = x6.fma(v, c2); d2 = x6.fma(w, d2);
            c3 = x7.fma(v, c3); d3 = x7.fma(w, d3);
            c4 = x8.fma(v, c4); d4 = x8.fma(w, d4);
            c5 = x9.fma(v, c5); d5 = x9.fma(w, d5);
            c6 = x10.fma(v, c6); d6 = x10.fma(w, d6);
        }
        FloatVector bc = FloatVector.fromArray(S, bias, biasOff), bd = FloatVector.fromArray(S, bias, biasOff + L);
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
}
