package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;
import static jdk.incubator.vector.VectorOperators.LE;

import jdk.incubator.vector.FloatVector;

/**
 * The forward pass and weight gradient of a one-channel convolution whose kernel is 5 wide
 * (tf-mnist's and emotion's first layer), reading the windows in place in the padded input, a few
 * pixels of one output row at a time: their taps in one kernel row are consecutive inputs, each
 * broadcast once for several products.
 *
 * <p>The forward tile takes 7 pixels: a kernel row is 11 broadcasts for its 70 products of each
 * vector of channels, where the packed windows of {@link SingleChannelConv} cost one broadcast per
 * pixel and tap (35) and a copy of every window first. 7 and not 8: a row of 28 or 14 pixels is
 * whole tiles, and a row of other widths ends on a tile that overlaps the one before it (its first
 * pixels computed twice, the same way, so stored twice with the same value) while 8 would leave a
 * quarter of a 28-pixel row's last tile idle. The kernel's width is fixed because each tap's
 * broadcast must be a register the tile names: a loop over the taps that slides 8 registers along
 * ran slower than the packed windows (129 against 155 GFLOP/s). On tf-mnist's conv1 (Zen 5, one
 * thread, a probe of both in one JVM): 190-194 GFLOP/s against 153-157, the same bits (each sum
 * takes its taps in the same order).
 *
 * <p>The weight-gradient tile takes three kernel rows (15 weight rows) of one vector of channels
 * and 4 pixels at a time: 4 loads of dz and 24 broadcasts for 60 products, where the general tile
 * spends 11 for 18. In probes over tf-mnist's conv1: 189 GFLOP/s, where the general tile ran at
 * 96.
 */
final class FiveWideConvRows {

    /** Output pixels per tile. */
    static final int PIXELS = 7;

    /** Kernel width the tile is written for. */
    static final int KW = 5;

    /**
     * Whether the tiles' registers fit: {@link #rows7x2} keeps 14 accumulators, 2 operands and 11
     * broadcasts, {@link #weightRows3} 16 accumulators, 4 vectors of dz and a broadcast. 32
     * registers (AVX-512, AArch64) hold them; with 16 (AVX2) the general kernels run.
     */
    private static final boolean FITS_REGISTERS = VectorTiles.REGISTERS >= 32;

    private FiveWideConvRows() {
    }

    /**
     * Whether g's forward runs here: a 5-wide kernel, rows of at least one tile, output channels in
     * whole vectors, and registers enough ({@link #FITS_REGISTERS}).
     */
    static boolean applies(ConvGeometry g) {
        return g.kw() == KW && g.outW() >= PIXELS && FITS_REGISTERS && g.outC() % L == 0;
    }

    /**
     * y = the convolution of the padded input src (cols wide, stride 1) with the weight panels
     * ([outC / L][kh][5][L] from panelsOff), plus b, with the floor's ReLU (see {@link VectorActivations#reluFloor}).
     */
    static void forward(ConvGeometry g, float[] src, int cols, float[] panels, int panelsOff, float[] b, float reluFloor,
                        float[] y, int yOff) {
        int outH = g.outH(), outW = g.outW(), outC = g.outC(), kh = g.kh(), panel = kh * KW * L;
        for (int oh = 0; oh < outH; oh++) {
            for (int tile = 0; tile < outW; tile += PIXELS) {
                int ow = Math.min(tile, outW - PIXELS);     // the last tile of a row may overlap the one before
                int at = oh * cols + ow, out = yOff + (oh * outW + ow) * outC;
                int v = 0;
                for (; v + 2 <= outC / L; v += 2) {
                    rows7x2(src, at, cols, kh, panels, panelsOff + v * panel, panelsOff + (v + 1) * panel, b, v * L, reluFloor, y, out + v * L, outC);
                }
                if (v < outC / L) {
                    rows7x1(src, at, cols, kh, panels, panelsOff + v * panel, b, v * L, reluFloor, y, out + v * L, outC);
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
            FloatVector x0 = FloatVector.broadcast(S, a[r]), x1 = FloatVector.broadcast(S, a[r + 1]);
            FloatVector x2 = FloatVector.broadcast(S, a[r + 2]), x3 = FloatVector.broadcast(S, a[r + 3]);
            FloatVector x4 = FloatVector.broadcast(S, a[r + 4]), x5 = FloatVector.broadcast(S, a[r + 5]);
            FloatVector x6 = FloatVector.broadcast(S, a[r + 6]), x7 = FloatVector.broadcast(S, a[r + 7]);
            FloatVector x8 = FloatVector.broadcast(S, a[r + 8]), x9 = FloatVector.broadcast(S, a[r + 9]);
            FloatVector x10 = FloatVector.broadcast(S, a[r + 10]);
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

    /** {@link #rows7x2} for one vector of channels, b[bOff + (dy*5 + dx)*L]: the last of an odd count. */
    static void rows7x1(float[] a, int aOff, int cols, int kh, float[] b, int bOff,
                        float[] bias, int biasOff, float reluFloor, float[] c, int cOff, int cStride) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0;
        for (int dy = 0; dy < kh; dy++) {
            int r = aOff + dy * cols, k = dy * KW * L;
            FloatVector x0 = FloatVector.broadcast(S, a[r]), x1 = FloatVector.broadcast(S, a[r + 1]);
            FloatVector x2 = FloatVector.broadcast(S, a[r + 2]), x3 = FloatVector.broadcast(S, a[r + 3]);
            FloatVector x4 = FloatVector.broadcast(S, a[r + 4]), x5 = FloatVector.broadcast(S, a[r + 5]);
            FloatVector x6 = FloatVector.broadcast(S, a[r + 6]), x7 = FloatVector.broadcast(S, a[r + 7]);
            FloatVector x8 = FloatVector.broadcast(S, a[r + 8]), x9 = FloatVector.broadcast(S, a[r + 9]);
            FloatVector x10 = FloatVector.broadcast(S, a[r + 10]);
            FloatVector v = FloatVector.fromArray(S, b, bOff + k);
            c0 = x0.fma(v, c0); c1 = x1.fma(v, c1); c2 = x2.fma(v, c2); c3 = x3.fma(v, c3);
            c4 = x4.fma(v, c4); c5 = x5.fma(v, c5); c6 = x6.fma(v, c6);
            v = FloatVector.fromArray(S, b, bOff + k + 1 * L);
            c0 = x1.fma(v, c0); c1 = x2.fma(v, c1); c2 = x3.fma(v, c2); c3 = x4.fma(v, c3);
            c4 = x5.fma(v, c4); c5 = x6.fma(v, c5); c6 = x7.fma(v, c6);
            v = FloatVector.fromArray(S, b, bOff + k + 2 * L);
            c0 = x2.fma(v, c0); c1 = x3.fma(v, c1); c2 = x4.fma(v, c2); c3 = x5.fma(v, c3);
            c4 = x6.fma(v, c4); c5 = x7.fma(v, c5); c6 = x8.fma(v, c6);
            v = FloatVector.fromArray(S, b, bOff + k + 3 * L);
            c0 = x3.fma(v, c0); c1 = x4.fma(v, c1); c2 = x5.fma(v, c2); c3 = x6.fma(v, c3);
            c4 = x7.fma(v, c4); c5 = x8.fma(v, c5); c6 = x9.fma(v, c6);
            v = FloatVector.fromArray(S, b, bOff + k + 4 * L);
            c0 = x4.fma(v, c0); c1 = x5.fma(v, c1); c2 = x6.fma(v, c2); c3 = x7.fma(v, c3);
            c4 = x8.fma(v, c4); c5 = x9.fma(v, c5); c6 = x10.fma(v, c6);
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

    /**
     * Whether g's weight gradient runs here: one input channel, stride 1, a 5-wide kernel at least 2
     * rows high (the tiles take kernel rows in threes and twos), output channels in whole vectors, and
     * registers enough ({@link #FITS_REGISTERS}).
     */
    static boolean weightsApply(ConvGeometry g) {
        return g.inC() == 1 && g.stride() == 1 && g.kw() == KW && g.kh() >= 2 && FITS_REGISTERS && g.outC() % L == 0;
    }

    /**
     * dw[j][c] += the sums over nRows output rows of outW pixels, for every weight row j and channel
     * c, and db[c] += the sum of those pixels' dz: src is the padded input (cols wide) from its first
     * row those pixels read, dz their gradient from its first pixel (outC a pixel). Each vector of
     * channels takes the kernel rows three at a time ({@link #weightRows3}), and the last two, or
     * four, two at a time ({@link #weightRows2}): 5 rows are a pass of three and one of two.
     */
    static void weights(ConvGeometry g, float[] src, int srcOff, int cols, int nRows, float[] dz, int dzOff,
                        float[] dw, float[] db) {
        int outC = g.outC(), kh = g.kh(), outW = g.outW();
        for (int oc = 0; oc < outC; oc += L) {
            for (int dy = 0; dy < kh; ) {
                int rowsLeft = kh - dy, from = srcOff + dy * cols, dwOff = dy * KW * outC + oc;
                float[] bias = dy == 0 ? db : null;     // the first pass sums dz for the bias gradient
                if (rowsLeft == 2 || rowsLeft == 4) {
                    weightRows2(src, from, nRows, outW, cols, dz, dzOff + oc, outC, dw, dwOff, outC, bias, oc);
                    dy += 2;
                } else {
                    weightRows3(src, from, nRows, outW, cols, dz, dzOff + oc, outC, dw, dwOff, outC, bias, oc);
                    dy += 3;
                }
            }
        }
    }

    /**
     * The weight gradient of three kernel rows (15 weight rows) for one vector of channels:
     * dw[dwOff + (dy*5 + dx)*dwStride, + L) += the sum over the pixels (r, c) of nRows rows of rowPix
     * of x[xOff + (r + dy)*cols + c + dx] times dz[dzOff + (r*rowPix + c)*dzStride, + L). 4 pixels of
     * a row at a time: 4 loads of dz and, per kernel row, 8 consecutive inputs each broadcast once for
     * up to 4 taps, for 60 multiply-adds. Three kernel rows a pass, so dz is read in two passes for a
     * 5x5 kernel where one kernel row a pass read it five times; a fourth row's 5 more accumulators
     * (20, with the 4 of dz) made C2 spill: 178 against 196 GFLOP/s, and two vectors of channels a
     * pass (two rows: 20 accumulators and 8 of dz) 139. On tf-mnist's conv1 (Zen 5, one thread, a
     * probe of the whole weight gradient in one JVM) 189 GFLOP/s against 172 for two vectors and one
     * kernel row a pass; on 16 channels (tf-16-36) 188 against 118. Each sum takes the pixels in order
     * from zero and is added to dw once, as the general tile does: the same bits. The tile also sums
     * dz, and adds that to db[dbOff, + L) unless db is null: the bias gradient costs no pass of its
     * own over dz; its adds run beside the multiply-adds.
     */
    static void weightRows3(float[] x, int xOff, int nRows, int rowPix, int cols, float[] dz, int dzOff, int dzStride,
                            float[] dw, int dwOff, int dwStride, float[] db, int dbOff) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a10 = a00, a11 = a00,
                a12 = a00, a13 = a00, a14 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a24 = a00, sum = a00;
        for (int r = 0, zb = dzOff; r < nRows; r++) {
            int xb = xOff + r * cols, c = 0;
            for (; c + 4 <= rowPix; c += 4, xb += 4, zb += 4 * dzStride) {
                FloatVector z0 = FloatVector.fromArray(S, dz, zb), z1 = FloatVector.fromArray(S, dz, zb + dzStride);
                FloatVector z2 = FloatVector.fromArray(S, dz, zb + 2 * dzStride), z3 = FloatVector.fromArray(S, dz, zb + 3 * dzStride);
                sum = sum.add(z0).add(z1).add(z2).add(z3);
                // kernel row 0: input k of the 4 pixels' row is tap k - p of pixel p, broadcast once for all of them
                int x0 = xb;
                FloatVector v = FloatVector.broadcast(S, x[x0]);
                a00 = v.fma(z0, a00);
                v = FloatVector.broadcast(S, x[x0 + 1]);
                a01 = v.fma(z0, a01); a00 = v.fma(z1, a00);
                v = FloatVector.broadcast(S, x[x0 + 2]);
                a02 = v.fma(z0, a02); a01 = v.fma(z1, a01); a00 = v.fma(z2, a00);
                v = FloatVector.broadcast(S, x[x0 + 3]);
                a03 = v.fma(z0, a03); a02 = v.fma(z1, a02); a01 = v.fma(z2, a01); a00 = v.fma(z3, a00);
                v = FloatVector.broadcast(S, x[x0 + 4]);
                a04 = v.fma(z0, a04); a03 = v.fma(z1, a03); a02 = v.fma(z2, a02); a01 = v.fma(z3, a01);
                v = FloatVector.broadcast(S, x[x0 + 5]);
                a04 = v.fma(z1, a04); a03 = v.fma(z2, a03); a02 = v.fma(z3, a02);
                v = FloatVector.broadcast(S, x[x0 + 6]);
                a04 = v.fma(z2, a04); a03 = v.fma(z3, a03);
                v = FloatVector.broadcast(S, x[x0 + 7]);
                a04 = v.fma(z3, a04);
                // kernel row 1, the same way
                int x1 = xb + cols;
                v = FloatVector.broadcast(S, x[x1]);
                a10 = v.fma(z0, a10);
                v = FloatVector.broadcast(S, x[x1 + 1]);
                a11 = v.fma(z0, a11); a10 = v.fma(z1, a10);
                v = FloatVector.broadcast(S, x[x1 + 2]);
                a12 = v.fma(z0, a12); a11 = v.fma(z1, a11); a10 = v.fma(z2, a10);
                v = FloatVector.broadcast(S, x[x1 + 3]);
                a13 = v.fma(z0, a13); a12 = v.fma(z1, a12); a11 = v.fma(z2, a11); a10 = v.fma(z3, a10);
                v = FloatVector.broadcast(S, x[x1 + 4]);
                a14 = v.fma(z0, a14); a13 = v.fma(z1, a13); a12 = v.fma(z2, a12); a11 = v.fma(z3, a11);
                v = FloatVector.broadcast(S, x[x1 + 5]);
                a14 = v.fma(z1, a14); a13 = v.fma(z2, a13); a12 = v.fma(z3, a12);
                v = FloatVector.broadcast(S, x[x1 + 6]);
                a14 = v.fma(z2, a14); a13 = v.fma(z3, a13);
                v = FloatVector.broadcast(S, x[x1 + 7]);
                a14 = v.fma(z3, a14);
                // kernel row 2, the same way
                int x2 = xb + 2 * cols;
                v = FloatVector.broadcast(S, x[x2]);
                a20 = v.fma(z0, a20);
                v = FloatVector.broadcast(S, x[x2 + 1]);
                a21 = v.fma(z0, a21); a20 = v.fma(z1, a20);
                v = FloatVector.broadcast(S, x[x2 + 2]);
                a22 = v.fma(z0, a22); a21 = v.fma(z1, a21); a20 = v.fma(z2, a20);
                v = FloatVector.broadcast(S, x[x2 + 3]);
                a23 = v.fma(z0, a23); a22 = v.fma(z1, a22); a21 = v.fma(z2, a21); a20 = v.fma(z3, a20);
                v = FloatVector.broadcast(S, x[x2 + 4]);
                a24 = v.fma(z0, a24); a23 = v.fma(z1, a23); a22 = v.fma(z2, a22); a21 = v.fma(z3, a21);
                v = FloatVector.broadcast(S, x[x2 + 5]);
                a24 = v.fma(z1, a24); a23 = v.fma(z2, a23); a22 = v.fma(z3, a22);
                v = FloatVector.broadcast(S, x[x2 + 6]);
                a24 = v.fma(z2, a24); a23 = v.fma(z3, a23);
                v = FloatVector.broadcast(S, x[x2 + 7]);
                a24 = v.fma(z3, a24);
            }
            for (; c < rowPix; c++, xb++, zb += dzStride) {     // the row's last pixels, one at a time
                FloatVector z = FloatVector.fromArray(S, dz, zb);
                sum = sum.add(z);
                int x0 = xb;
                a00 = FloatVector.broadcast(S, x[x0]).fma(z, a00); a01 = FloatVector.broadcast(S, x[x0 + 1]).fma(z, a01);
                a02 = FloatVector.broadcast(S, x[x0 + 2]).fma(z, a02); a03 = FloatVector.broadcast(S, x[x0 + 3]).fma(z, a03);
                a04 = FloatVector.broadcast(S, x[x0 + 4]).fma(z, a04);
                int x1 = xb + cols;
                a10 = FloatVector.broadcast(S, x[x1]).fma(z, a10); a11 = FloatVector.broadcast(S, x[x1 + 1]).fma(z, a11);
                a12 = FloatVector.broadcast(S, x[x1 + 2]).fma(z, a12); a13 = FloatVector.broadcast(S, x[x1 + 3]).fma(z, a13);
                a14 = FloatVector.broadcast(S, x[x1 + 4]).fma(z, a14);
                int x2 = xb + 2 * cols;
                a20 = FloatVector.broadcast(S, x[x2]).fma(z, a20); a21 = FloatVector.broadcast(S, x[x2 + 1]).fma(z, a21);
                a22 = FloatVector.broadcast(S, x[x2 + 2]).fma(z, a22); a23 = FloatVector.broadcast(S, x[x2 + 3]).fma(z, a23);
                a24 = FloatVector.broadcast(S, x[x2 + 4]).fma(z, a24);
            }
        }
        a00.add(FloatVector.fromArray(S, dw, dwOff)).intoArray(dw, dwOff);
        a01.add(FloatVector.fromArray(S, dw, dwOff + dwStride)).intoArray(dw, dwOff + dwStride);
        a02.add(FloatVector.fromArray(S, dw, dwOff + 2 * dwStride)).intoArray(dw, dwOff + 2 * dwStride);
        a03.add(FloatVector.fromArray(S, dw, dwOff + 3 * dwStride)).intoArray(dw, dwOff + 3 * dwStride);
        a04.add(FloatVector.fromArray(S, dw, dwOff + 4 * dwStride)).intoArray(dw, dwOff + 4 * dwStride);
        a10.add(FloatVector.fromArray(S, dw, dwOff + 5 * dwStride)).intoArray(dw, dwOff + 5 * dwStride);
        a11.add(FloatVector.fromArray(S, dw, dwOff + 6 * dwStride)).intoArray(dw, dwOff + 6 * dwStride);
        a12.add(FloatVector.fromArray(S, dw, dwOff + 7 * dwStride)).intoArray(dw, dwOff + 7 * dwStride);
        a13.add(FloatVector.fromArray(S, dw, dwOff + 8 * dwStride)).intoArray(dw, dwOff + 8 * dwStride);
        a14.add(FloatVector.fromArray(S, dw, dwOff + 9 * dwStride)).intoArray(dw, dwOff + 9 * dwStride);
        a20.add(FloatVector.fromArray(S, dw, dwOff + 10 * dwStride)).intoArray(dw, dwOff + 10 * dwStride);
        a21.add(FloatVector.fromArray(S, dw, dwOff + 11 * dwStride)).intoArray(dw, dwOff + 11 * dwStride);
        a22.add(FloatVector.fromArray(S, dw, dwOff + 12 * dwStride)).intoArray(dw, dwOff + 12 * dwStride);
        a23.add(FloatVector.fromArray(S, dw, dwOff + 13 * dwStride)).intoArray(dw, dwOff + 13 * dwStride);
        a24.add(FloatVector.fromArray(S, dw, dwOff + 14 * dwStride)).intoArray(dw, dwOff + 14 * dwStride);
        if (db != null) {
            sum.add(FloatVector.fromArray(S, db, dbOff)).intoArray(db, dbOff);
        }
    }

    /** {@link #weightRows3} for two kernel rows: the last two of 5, or of 4. */
    static void weightRows2(float[] x, int xOff, int nRows, int rowPix, int cols, float[] dz, int dzOff, int dzStride,
                            float[] dw, int dwOff, int dwStride, float[] db, int dbOff) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a10 = a00, a11 = a00,
                a12 = a00, a13 = a00, a14 = a00, sum = a00;
        for (int r = 0, zb = dzOff; r < nRows; r++) {
            int xb = xOff + r * cols, c = 0;
            for (; c + 4 <= rowPix; c += 4, xb += 4, zb += 4 * dzStride) {
                FloatVector z0 = FloatVector.fromArray(S, dz, zb), z1 = FloatVector.fromArray(S, dz, zb + dzStride);
                FloatVector z2 = FloatVector.fromArray(S, dz, zb + 2 * dzStride), z3 = FloatVector.fromArray(S, dz, zb + 3 * dzStride);
                sum = sum.add(z0).add(z1).add(z2).add(z3);
                // kernel row 0: input k of the 4 pixels' row is tap k - p of pixel p, broadcast once for all of them
                int x0 = xb;
                FloatVector v = FloatVector.broadcast(S, x[x0]);
                a00 = v.fma(z0, a00);
                v = FloatVector.broadcast(S, x[x0 + 1]);
                a01 = v.fma(z0, a01); a00 = v.fma(z1, a00);
                v = FloatVector.broadcast(S, x[x0 + 2]);
                a02 = v.fma(z0, a02); a01 = v.fma(z1, a01); a00 = v.fma(z2, a00);
                v = FloatVector.broadcast(S, x[x0 + 3]);
                a03 = v.fma(z0, a03); a02 = v.fma(z1, a02); a01 = v.fma(z2, a01); a00 = v.fma(z3, a00);
                v = FloatVector.broadcast(S, x[x0 + 4]);
                a04 = v.fma(z0, a04); a03 = v.fma(z1, a03); a02 = v.fma(z2, a02); a01 = v.fma(z3, a01);
                v = FloatVector.broadcast(S, x[x0 + 5]);
                a04 = v.fma(z1, a04); a03 = v.fma(z2, a03); a02 = v.fma(z3, a02);
                v = FloatVector.broadcast(S, x[x0 + 6]);
                a04 = v.fma(z2, a04); a03 = v.fma(z3, a03);
                v = FloatVector.broadcast(S, x[x0 + 7]);
                a04 = v.fma(z3, a04);
                // kernel row 1, the same way
                int x1 = xb + cols;
                v = FloatVector.broadcast(S, x[x1]);
                a10 = v.fma(z0, a10);
                v = FloatVector.broadcast(S, x[x1 + 1]);
                a11 = v.fma(z0, a11); a10 = v.fma(z1, a10);
                v = FloatVector.broadcast(S, x[x1 + 2]);
                a12 = v.fma(z0, a12); a11 = v.fma(z1, a11); a10 = v.fma(z2, a10);
                v = FloatVector.broadcast(S, x[x1 + 3]);
                a13 = v.fma(z0, a13); a12 = v.fma(z1, a12); a11 = v.fma(z2, a11); a10 = v.fma(z3, a10);
                v = FloatVector.broadcast(S, x[x1 + 4]);
                a14 = v.fma(z0, a14); a13 = v.fma(z1, a13); a12 = v.fma(z2, a12); a11 = v.fma(z3, a11);
                v = FloatVector.broadcast(S, x[x1 + 5]);
                a14 = v.fma(z1, a14); a13 = v.fma(z2, a13); a12 = v.fma(z3, a12);
                v = FloatVector.broadcast(S, x[x1 + 6]);
                a14 = v.fma(z2, a14); a13 = v.fma(z3, a13);
                v = FloatVector.broadcast(S, x[x1 + 7]);
                a14 = v.fma(z3, a14);
            }
            for (; c < rowPix; c++, xb++, zb += dzStride) {     // the row's last pixels, one at a time
                FloatVector z = FloatVector.fromArray(S, dz, zb);
                sum = sum.add(z);
                int x0 = xb;
                a00 = FloatVector.broadcast(S, x[x0]).fma(z, a00); a01 = FloatVector.broadcast(S, x[x0 + 1]).fma(z, a01);
                a02 = FloatVector.broadcast(S, x[x0 + 2]).fma(z, a02); a03 = FloatVector.broadcast(S, x[x0 + 3]).fma(z, a03);
                a04 = FloatVector.broadcast(S, x[x0 + 4]).fma(z, a04);
                int x1 = xb + cols;
                a10 = FloatVector.broadcast(S, x[x1]).fma(z, a10); a11 = FloatVector.broadcast(S, x[x1 + 1]).fma(z, a11);
                a12 = FloatVector.broadcast(S, x[x1 + 2]).fma(z, a12); a13 = FloatVector.broadcast(S, x[x1 + 3]).fma(z, a13);
                a14 = FloatVector.broadcast(S, x[x1 + 4]).fma(z, a14);
            }
        }
        a00.add(FloatVector.fromArray(S, dw, dwOff)).intoArray(dw, dwOff);
        a01.add(FloatVector.fromArray(S, dw, dwOff + dwStride)).intoArray(dw, dwOff + dwStride);
        a02.add(FloatVector.fromArray(S, dw, dwOff + 2 * dwStride)).intoArray(dw, dwOff + 2 * dwStride);
        a03.add(FloatVector.fromArray(S, dw, dwOff + 3 * dwStride)).intoArray(dw, dwOff + 3 * dwStride);
        a04.add(FloatVector.fromArray(S, dw, dwOff + 4 * dwStride)).intoArray(dw, dwOff + 4 * dwStride);
        a10.add(FloatVector.fromArray(S, dw, dwOff + 5 * dwStride)).intoArray(dw, dwOff + 5 * dwStride);
        a11.add(FloatVector.fromArray(S, dw, dwOff + 6 * dwStride)).intoArray(dw, dwOff + 6 * dwStride);
        a12.add(FloatVector.fromArray(S, dw, dwOff + 7 * dwStride)).intoArray(dw, dwOff + 7 * dwStride);
        a13.add(FloatVector.fromArray(S, dw, dwOff + 8 * dwStride)).intoArray(dw, dwOff + 8 * dwStride);
        a14.add(FloatVector.fromArray(S, dw, dwOff + 9 * dwStride)).intoArray(dw, dwOff + 9 * dwStride);
        if (db != null) {
            sum.add(FloatVector.fromArray(S, db, dbOff)).intoArray(db, dbOff);
        }
    }
}
