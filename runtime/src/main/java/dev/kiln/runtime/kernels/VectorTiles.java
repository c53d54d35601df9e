package dev.kiln.runtime.kernels;

import static jdk.incubator.vector.VectorOperators.LE;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner kernels shared by convolution and dense layers. Each computes one
 * small block of outputs with every accumulator in its own local variable, so C2 keeps them in
 * vector registers: 14 accumulators plus 2 weight vectors and 1 broadcast fit the 32 AVX-512
 * registers without spilling (28 accumulators halved the speed when measured on AVX-512); with
 * 16 registers (AVX2) the two-vector tiles take fewer rows, see {@link #ROWS} and {@link #WEIGHT_ROWS}. Vectors never
 * leave a method and no method allocates.
 *
 * <p>A dense layer is a 1x1 convolution whose "pixels" are the rows of the batch, so one kernel
 * serves both. Pixels are numbered 0..nPix-1; pixel p reads its input at
 * {@code (p / rowPix) * rowJump + (p % rowPix) * pixJump}, which covers convolution rows (with
 * stride) and dense rows (rowPix larger than nPix). A block that would run past the last pixel
 * or row repeats the last one instead: it computes the same value twice and stores it twice, so
 * there is no separate tail kernel and results do not depend on the blocking.
 */
final class VectorTiles {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /**
     * Overrides the row counts, to measure or test another blocking: "F" for both kinds of
     * two-vector tile, or "F,W" for the forward and the weight-gradient tile apart, F 4 to 7 and
     * W 4 to 9.
     * Unset in normal use.
     */
    static final String ROWS_PROPERTY = "kiln.tileRows";
    /**
     * Pixels (or rows) of a two-vector forward tile ({@link #forwardNx2}). Its 2*ROWS
     * accumulators, 2 operand vectors and a broadcast must fit the vector registers, or C2 spills
     * accumulators to the stack and reloads them at every step of the inner loop. With 32
     * registers (AVX-512, AArch64) 7 rows use 17, and 14 accumulators were the measured best on
     * AVX-512, where 28 halved the speed. With 16 (AVX2 and older x86) 6 rows: C2's code for 7
     * keeps accumulators on the stack and reloads them every step, and on an AVX2 Zen 3 the
     * {@link #forwardNx2} tile ran a 3136 x 16 dense panel at 45-50 GFLOP/s with 6 rows against 31 with 7.
     * (7 rows had looked faster in whole steps only while Winograd's blocks of 14 tiles split into
     * 6 + 6 + a 6-row tile for 2; blocks are now two tiles' rows, see WinogradConv.BLOCK.)
     */
    static final int ROWS;
    /** The vector registers this JVM's kernels have ({@link VectorRegisters}): every tile's blocking follows from it. */
    static final int REGISTERS = VectorRegisters.count(S.vectorBitSize());
    /**
     * Weight rows of a two-vector weight-gradient tile ({@link #weightsNx2}): 9 with 32 registers
     * (21 of them), which takes a 3x3 kernel of one input channel in one tile: 7 rows took its 9
     * weight rows as 14, and keras-mnist's conv1 weight gradient ran at 32-34% of the peak against
     * 43-44% with 9, while the other weight gradients on this tile moved within the noise (Zen 5,
     * `kiln kernels` with kiln.tileRows=7,7 and 7,9 in turns). 5 with 16 registers, where the two
     * nested pixel loops keep more scalars live than the forward's and C2 spilled 5 accumulators
     * at 7 rows, 3 at 6 and none at 5.
     */
    static final int WEIGHT_ROWS;

    static {
        int[] rows = rows(System.getProperty(ROWS_PROPERTY), REGISTERS);
        ROWS = rows[0];
        WEIGHT_ROWS = rows[1];
    }

    private static final boolean ROW5 = ROWS >= 5, ROW6 = ROWS >= 6, ROW7 = ROWS >= 7;
    private static final boolean WEIGHT_ROW5 = WEIGHT_ROWS >= 5, WEIGHT_ROW6 = WEIGHT_ROWS >= 6,
            WEIGHT_ROW7 = WEIGHT_ROWS >= 7, WEIGHT_ROW8 = WEIGHT_ROWS >= 8, WEIGHT_ROW9 = WEIGHT_ROWS >= 9;

    /** {ROWS, WEIGHT_ROWS} from the override, or else from the vector registers there are. */
    static int[] rows(String override, int registers) {
        if (override == null) {
            return registers >= 32 ? new int[] {7, 9} : new int[] {6, 5};
        }
        String[] parts = override.split(",", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException(ROWS_PROPERTY + " must be F or F,W (forward and weight-gradient tile rows), not " + override);
        }
        int forward = parseRows(parts[0], 7);
        return new int[] {forward, parts.length == 2 ? parseRows(parts[1], 9) : forward};
    }

    private static int parseRows(String text, int most) {
        int rows;
        try {
            rows = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ROWS_PROPERTY + " must hold row counts 4 to " + most + ", not '" + text + "'");
        }
        if (rows < 4 || rows > most) {
            throw new IllegalArgumentException(ROWS_PROPERTY + " must hold row counts 4 to " + most + ", not " + rows);
        }
        return rows;
    }

    private VectorTiles() {
    }

    /** Offset of pixel p relative to the first pixel. */
    static int pixelBase(int p, int rowPix, int rowJump, int pixJump) {
        return (p / rowPix) * rowJump + (p % rowPix) * pixJump;
    }

    /**
     * Offset of pixel p0 + i relative to the first pixel, given p0's row r0 and column c0: a tile
     * finds its first pixel with one division and walks to the others. Seven divisions a tile
     * cost a short product a fifth of its time: keras-mnist's conv2 input gradient (64
     * multiply-adds a pixel) went from 64 to 82 GFLOP/s without them.
     */
    static int pixelAfter(int i, int r0, int c0, int rowPix, int rowJump, int pixJump) {
        int r = r0, c = c0 + i;
        while (c >= rowPix) {
            c -= rowPix;
            r++;
        }
        return r * rowJump + c * pixJump;
    }

    /**
     * Forward block: {@link #ROWS} pixels x 2 vectors of output channels, over one tap.
     * out[p][c] = (accumulate ? out[p][c] : b[c]) + sum over t < depth of x[base(p) + t] * w[wOff + t*wStride + c],
     * then max(out, 0) as it is stored when relu is set (a last call only, when calls accumulate).
     * A dense layer is one call over the whole depth (or one per depth block), its rows the pixels
     * (rowPix = Integer.MAX_VALUE, pixJump the row stride). A convolution is one call per kernel
     * row (tap), accumulating: t runs over (kernel column, input channel), which are contiguous in
     * NHWC input and in [kh][kw][ic][oc] weights. Pixels 5 to 7 are written out but computed only
     * when {@link #ROWS} reaches them: the tests are of static finals, so C2 drops the rows past
     * ROWS with their accumulators, and every size stays a constant.
     *
     * <p>The loop over taps is the caller's, not this method's: with it here, the taps loop, the
     * pixel walk and the row bases spilled AVX2's 16 general registers, and a 3136 x 16 dense panel
     * ran at 31 GFLOP/s against 45-50 with this one-tap loop (6 rows, Zen 3, 90 GFLOP/s peak).
     * Storing and reloading the block between taps costs less than that; it also sums each kernel
     * row apart, then adds the rows, a shorter chain than one through every tap.
     */
    static void forwardNx2(float[] x, int xOff, int rowPix, int rowJump, int pixJump, int depth,
                           float[] w, int wOff, int wStride,
                           float[] b, int bOff, boolean accumulate, boolean relu,
                           float[] y, int yOff, int yStride, int p0, int nPix) {
        int last = nPix - 1, more = last - p0;      // pixels after p0 in this call
        int q1 = Math.min(p0 + 1, last), q2 = Math.min(p0 + 2, last), q3 = Math.min(p0 + 3, last),
                q4 = Math.min(p0 + 4, last), q5 = Math.min(p0 + 5, last), q6 = Math.min(p0 + 6, last);
        int r0 = p0 / rowPix, c0 = p0 - r0 * rowPix;
        int x0 = xOff + pixelAfter(0, r0, c0, rowPix, rowJump, pixJump),
                x1 = xOff + pixelAfter(Math.min(1, more), r0, c0, rowPix, rowJump, pixJump),
                x2 = xOff + pixelAfter(Math.min(2, more), r0, c0, rowPix, rowJump, pixJump),
                x3 = xOff + pixelAfter(Math.min(3, more), r0, c0, rowPix, rowJump, pixJump),
                x4 = xOff + pixelAfter(Math.min(4, more), r0, c0, rowPix, rowJump, pixJump),
                x5 = xOff + pixelAfter(Math.min(5, more), r0, c0, rowPix, rowJump, pixJump),
                x6 = xOff + pixelAfter(Math.min(6, more), r0, c0, rowPix, rowJump, pixJump);
        FloatVector b0 = accumulate ? FloatVector.zero(S) : FloatVector.fromArray(S, b, bOff);
        FloatVector b1 = accumulate ? b0 : FloatVector.fromArray(S, b, bOff + L);
        FloatVector a00 = b0, a10 = b0, a20 = b0, a30 = b0, a40 = b0, a50 = b0, a60 = b0;
        FloatVector a01 = b1, a11 = b1, a21 = b1, a31 = b1, a41 = b1, a51 = b1, a61 = b1;
        for (int t = 0, wi = wOff; t < depth; t++, wi += wStride) {
            FloatVector w0 = FloatVector.fromArray(S, w, wi);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
            FloatVector v = FloatVector.broadcast(S, x[x0 + t]);
            a00 = v.fma(w0, a00); a01 = v.fma(w1, a01);
            v = FloatVector.broadcast(S, x[x1 + t]);
            a10 = v.fma(w0, a10); a11 = v.fma(w1, a11);
            v = FloatVector.broadcast(S, x[x2 + t]);
            a20 = v.fma(w0, a20); a21 = v.fma(w1, a21);
            v = FloatVector.broadcast(S, x[x3 + t]);
            a30 = v.fma(w0, a30); a31 = v.fma(w1, a31);
            if (ROW5) {
                v = FloatVector.broadcast(S, x[x4 + t]);
                a40 = v.fma(w0, a40); a41 = v.fma(w1, a41);
            }
            if (ROW6) {
                v = FloatVector.broadcast(S, x[x5 + t]);
                a50 = v.fma(w0, a50); a51 = v.fma(w1, a51);
            }
            if (ROW7) {
                v = FloatVector.broadcast(S, x[x6 + t]);
                a60 = v.fma(w0, a60); a61 = v.fma(w1, a61);
            }
        }
        int y0 = yOff + p0 * yStride, y1 = yOff + q1 * yStride, y2 = yOff + q2 * yStride, y3 = yOff + q3 * yStride,
                y4 = yOff + q4 * yStride, y5 = yOff + q5 * yStride, y6 = yOff + q6 * yStride;
        if (accumulate) {       // every row read before any is stored: a repeated row must not add twice
            a00 = a00.add(FloatVector.fromArray(S, y, y0)); a01 = a01.add(FloatVector.fromArray(S, y, y0 + L));
            a10 = a10.add(FloatVector.fromArray(S, y, y1)); a11 = a11.add(FloatVector.fromArray(S, y, y1 + L));
            a20 = a20.add(FloatVector.fromArray(S, y, y2)); a21 = a21.add(FloatVector.fromArray(S, y, y2 + L));
            a30 = a30.add(FloatVector.fromArray(S, y, y3)); a31 = a31.add(FloatVector.fromArray(S, y, y3 + L));
            if (ROW5) { a40 = a40.add(FloatVector.fromArray(S, y, y4)); a41 = a41.add(FloatVector.fromArray(S, y, y4 + L)); }
            if (ROW6) { a50 = a50.add(FloatVector.fromArray(S, y, y5)); a51 = a51.add(FloatVector.fromArray(S, y, y5 + L)); }
            if (ROW7) { a60 = a60.add(FloatVector.fromArray(S, y, y6)); a61 = a61.add(FloatVector.fromArray(S, y, y6 + L)); }
        }
        if (relu) {
            a00 = a00.blend(0f, a00.compare(LE, 0f)); a01 = a01.blend(0f, a01.compare(LE, 0f));
            a10 = a10.blend(0f, a10.compare(LE, 0f)); a11 = a11.blend(0f, a11.compare(LE, 0f));
            a20 = a20.blend(0f, a20.compare(LE, 0f)); a21 = a21.blend(0f, a21.compare(LE, 0f));
            a30 = a30.blend(0f, a30.compare(LE, 0f)); a31 = a31.blend(0f, a31.compare(LE, 0f));
            if (ROW5) { a40 = a40.blend(0f, a40.compare(LE, 0f)); a41 = a41.blend(0f, a41.compare(LE, 0f)); }
            if (ROW6) { a50 = a50.blend(0f, a50.compare(LE, 0f)); a51 = a51.blend(0f, a51.compare(LE, 0f)); }
            if (ROW7) { a60 = a60.blend(0f, a60.compare(LE, 0f)); a61 = a61.blend(0f, a61.compare(LE, 0f)); }
        }
        a00.intoArray(y, y0); a01.intoArray(y, y0 + L);
        a10.intoArray(y, y1); a11.intoArray(y, y1 + L);
        a20.intoArray(y, y2); a21.intoArray(y, y2 + L);
        a30.intoArray(y, y3); a31.intoArray(y, y3 + L);
        if (ROW5) { a40.intoArray(y, y4); a41.intoArray(y, y4 + L); }
        if (ROW6) { a50.intoArray(y, y5); a51.intoArray(y, y5 + L); }
        if (ROW7) { a60.intoArray(y, y6); a61.intoArray(y, y6 + L); }
    }

    /**
     * As {@link #forwardNx2} for one vector of channels, 7 pixels a block, with no masks: every array must hold a
     * whole vector at every offset read or written (callers pass zero-padded panels, see TileLoops).
     */
    static void forward7x1(float[] x, int xOff, int rowPix, int rowJump, int pixJump,
                           int taps, int tapJump, int tapLen,
                           float[] w, int wOff, int wStride,
                           float[] b, int bOff, boolean accumulate, boolean relu,
                           float[] y, int yOff, int yStride, int p0, int nPix) {
        int last = nPix - 1, more = last - p0;      // pixels after p0 in this call
        int q0 = p0, q1 = Math.min(p0 + 1, last), q2 = Math.min(p0 + 2, last), q3 = Math.min(p0 + 3, last),
                q4 = Math.min(p0 + 4, last), q5 = Math.min(p0 + 5, last), q6 = Math.min(p0 + 6, last);
        int r0 = p0 / rowPix, c0 = p0 - r0 * rowPix;
        int x0 = xOff + pixelAfter(0, r0, c0, rowPix, rowJump, pixJump),
                x1 = xOff + pixelAfter(Math.min(1, more), r0, c0, rowPix, rowJump, pixJump),
                x2 = xOff + pixelAfter(Math.min(2, more), r0, c0, rowPix, rowJump, pixJump),
                x3 = xOff + pixelAfter(Math.min(3, more), r0, c0, rowPix, rowJump, pixJump),
                x4 = xOff + pixelAfter(Math.min(4, more), r0, c0, rowPix, rowJump, pixJump),
                x5 = xOff + pixelAfter(Math.min(5, more), r0, c0, rowPix, rowJump, pixJump),
                x6 = xOff + pixelAfter(Math.min(6, more), r0, c0, rowPix, rowJump, pixJump);
        int y0 = yOff + q0 * yStride, y1 = yOff + q1 * yStride, y2 = yOff + q2 * yStride, y3 = yOff + q3 * yStride,
                y4 = yOff + q4 * yStride, y5 = yOff + q5 * yStride, y6 = yOff + q6 * yStride;
        FloatVector b0 = accumulate ? FloatVector.zero(S) : FloatVector.fromArray(S, b, bOff);
        FloatVector a0 = b0, a1 = b0, a2 = b0, a3 = b0, a4 = b0, a5 = b0, a6 = b0;
        for (int tap = 0; tap < taps; tap++) {
            int wi = wOff + tap * tapLen * wStride;
            for (int t = tap * tapJump, end = t + tapLen; t < end; t++, wi += wStride) {
                FloatVector w0 = FloatVector.fromArray(S, w, wi);
                a0 = FloatVector.broadcast(S, x[x0 + t]).fma(w0, a0);
                a1 = FloatVector.broadcast(S, x[x1 + t]).fma(w0, a1);
                a2 = FloatVector.broadcast(S, x[x2 + t]).fma(w0, a2);
                a3 = FloatVector.broadcast(S, x[x3 + t]).fma(w0, a3);
                a4 = FloatVector.broadcast(S, x[x4 + t]).fma(w0, a4);
                a5 = FloatVector.broadcast(S, x[x5 + t]).fma(w0, a5);
                a6 = FloatVector.broadcast(S, x[x6 + t]).fma(w0, a6);
            }
        }
        if (accumulate) {
            a0 = a0.add(FloatVector.fromArray(S, y, y0)); a1 = a1.add(FloatVector.fromArray(S, y, y1));
            a2 = a2.add(FloatVector.fromArray(S, y, y2)); a3 = a3.add(FloatVector.fromArray(S, y, y3));
            a4 = a4.add(FloatVector.fromArray(S, y, y4)); a5 = a5.add(FloatVector.fromArray(S, y, y5));
            a6 = a6.add(FloatVector.fromArray(S, y, y6));
        }
        if (relu) {
            a0 = a0.blend(0f, a0.compare(LE, 0f)); a1 = a1.blend(0f, a1.compare(LE, 0f));
            a2 = a2.blend(0f, a2.compare(LE, 0f)); a3 = a3.blend(0f, a3.compare(LE, 0f));
            a4 = a4.blend(0f, a4.compare(LE, 0f)); a5 = a5.blend(0f, a5.compare(LE, 0f));
            a6 = a6.blend(0f, a6.compare(LE, 0f));
        }
        a0.intoArray(y, y0); a1.intoArray(y, y1); a2.intoArray(y, y2); a3.intoArray(y, y3);
        a4.intoArray(y, y4); a5.intoArray(y, y5); a6.intoArray(y, y6);
    }

    /**
     * Weight-gradient block: {@link #WEIGHT_ROWS} weight rows x 2 vectors of output channels, summed over every pixel.
     * dw[j][c] += sum over pixels p (nRows rows of rowPix) of x[base(p) + off(j)] * dz[p*dzStride + c], where weight row j
     * (kernel row, kernel column, input channel flattened) reads off(j) = (j / tapLen)*tapJump + j % tapLen.
     * The call's sum starts from zero and is added to dw once, at the end: a per-example sum
     * (a call is one example of a convolution) then a sum over examples, instead of one long
     * chain through every pixel of every example, whose rounding error grew with the batch.
     * Rows past the last repeat it; every row is added to dw before any is stored, so a
     * repeated row is written twice with the same value rather than added twice. Rows 5 to 7
     * are computed only when {@link #WEIGHT_ROWS} reaches them, as in {@link #forwardNx2}.
     */
    static void weightsNx2(float[] x, int xOff, int nRows, int rowPix, int rowJump, int pixJump,
                           int tapLen, int tapJump, int j0, int nJ,
                           float[] dz, int dzOff, int dzStride,
                           float[] dw, int dwOff, int dwStride) {
        int last = nJ - 1;
        int j1 = Math.min(j0 + 1, last), j2 = Math.min(j0 + 2, last), j3 = Math.min(j0 + 3, last),
                j4 = Math.min(j0 + 4, last), j5 = Math.min(j0 + 5, last), j6 = Math.min(j0 + 6, last),
                j7 = Math.min(j0 + 7, last), j8 = Math.min(j0 + 8, last);
        int o0 = pixelBase(j0, tapLen, tapJump, 1), o1 = pixelBase(j1, tapLen, tapJump, 1),
                o2 = pixelBase(j2, tapLen, tapJump, 1), o3 = pixelBase(j3, tapLen, tapJump, 1),
                o4 = pixelBase(j4, tapLen, tapJump, 1), o5 = pixelBase(j5, tapLen, tapJump, 1),
                o6 = pixelBase(j6, tapLen, tapJump, 1), o7 = pixelBase(j7, tapLen, tapJump, 1),
                o8 = pixelBase(j8, tapLen, tapJump, 1);
        int d0 = dwOff + j0 * dwStride, d1 = dwOff + j1 * dwStride, d2 = dwOff + j2 * dwStride,
                d3 = dwOff + j3 * dwStride, d4 = dwOff + j4 * dwStride, d5 = dwOff + j5 * dwStride,
                d6 = dwOff + j6 * dwStride, d7 = dwOff + j7 * dwStride, d8 = dwOff + j8 * dwStride;
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00,
                a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00, a60 = a00, a61 = a00,
                a70 = a00, a71 = a00, a80 = a00, a81 = a00;
        // Two loops rather than pixelBase per pixel: a division per pixel would cost more than its FMAs.
        for (int r = 0, zb = dzOff; r < nRows; r++) {
          for (int c = 0, xb = xOff + r * rowJump; c < rowPix; c++, xb += pixJump, zb += dzStride) {
            FloatVector z0 = FloatVector.fromArray(S, dz, zb);
            FloatVector z1 = FloatVector.fromArray(S, dz, zb + L);
            FloatVector v = FloatVector.broadcast(S, x[xb + o0]);
            a00 = v.fma(z0, a00); a01 = v.fma(z1, a01);
            v = FloatVector.broadcast(S, x[xb + o1]);
            a10 = v.fma(z0, a10); a11 = v.fma(z1, a11);
            v = FloatVector.broadcast(S, x[xb + o2]);
            a20 = v.fma(z0, a20); a21 = v.fma(z1, a21);
            v = FloatVector.broadcast(S, x[xb + o3]);
            a30 = v.fma(z0, a30); a31 = v.fma(z1, a31);
            if (WEIGHT_ROW5) {
                v = FloatVector.broadcast(S, x[xb + o4]);
                a40 = v.fma(z0, a40); a41 = v.fma(z1, a41);
            }
            if (WEIGHT_ROW6) {
                v = FloatVector.broadcast(S, x[xb + o5]);
                a50 = v.fma(z0, a50); a51 = v.fma(z1, a51);
            }
            if (WEIGHT_ROW7) {
                v = FloatVector.broadcast(S, x[xb + o6]);
                a60 = v.fma(z0, a60); a61 = v.fma(z1, a61);
            }
            if (WEIGHT_ROW8) {
                v = FloatVector.broadcast(S, x[xb + o7]);
                a70 = v.fma(z0, a70); a71 = v.fma(z1, a71);
            }
            if (WEIGHT_ROW9) {
                v = FloatVector.broadcast(S, x[xb + o8]);
                a80 = v.fma(z0, a80); a81 = v.fma(z1, a81);
            }
          }
        }
        // Every row is added to dw before any is stored: a repeated row must not add twice.
        a00 = a00.add(FloatVector.fromArray(S, dw, d0)); a01 = a01.add(FloatVector.fromArray(S, dw, d0 + L));
        a10 = a10.add(FloatVector.fromArray(S, dw, d1)); a11 = a11.add(FloatVector.fromArray(S, dw, d1 + L));
        a20 = a20.add(FloatVector.fromArray(S, dw, d2)); a21 = a21.add(FloatVector.fromArray(S, dw, d2 + L));
        a30 = a30.add(FloatVector.fromArray(S, dw, d3)); a31 = a31.add(FloatVector.fromArray(S, dw, d3 + L));
        if (WEIGHT_ROW5) { a40 = a40.add(FloatVector.fromArray(S, dw, d4)); a41 = a41.add(FloatVector.fromArray(S, dw, d4 + L)); }
        if (WEIGHT_ROW6) { a50 = a50.add(FloatVector.fromArray(S, dw, d5)); a51 = a51.add(FloatVector.fromArray(S, dw, d5 + L)); }
        if (WEIGHT_ROW7) { a60 = a60.add(FloatVector.fromArray(S, dw, d6)); a61 = a61.add(FloatVector.fromArray(S, dw, d6 + L)); }
        if (WEIGHT_ROW8) { a70 = a70.add(FloatVector.fromArray(S, dw, d7)); a71 = a71.add(FloatVector.fromArray(S, dw, d7 + L)); }
        if (WEIGHT_ROW9) { a80 = a80.add(FloatVector.fromArray(S, dw, d8)); a81 = a81.add(FloatVector.fromArray(S, dw, d8 + L)); }
        a00.intoArray(dw, d0); a01.intoArray(dw, d0 + L);
        a10.intoArray(dw, d1); a11.intoArray(dw, d1 + L);
        a20.intoArray(dw, d2); a21.intoArray(dw, d2 + L);
        a30.intoArray(dw, d3); a31.intoArray(dw, d3 + L);
        if (WEIGHT_ROW5) { a40.intoArray(dw, d4); a41.intoArray(dw, d4 + L); }
        if (WEIGHT_ROW6) { a50.intoArray(dw, d5); a51.intoArray(dw, d5 + L); }
        if (WEIGHT_ROW7) { a60.intoArray(dw, d6); a61.intoArray(dw, d6 + L); }
        if (WEIGHT_ROW8) { a70.intoArray(dw, d7); a71.intoArray(dw, d7 + L); }
        if (WEIGHT_ROW9) { a80.intoArray(dw, d8); a81.intoArray(dw, d8 + L); }
    }

    /**
     * As {@link #weightsNx2} for one vector of channels, 7 rows a block, with no masks: dz and dw must hold a
     * whole vector at every offset (callers pass zero-padded panels, see TileLoops).
     */
    static void weights7x1(float[] x, int xOff, int nRows, int rowPix, int rowJump, int pixJump,
                           int tapLen, int tapJump, int j0, int nJ,
                           float[] dz, int dzOff, int dzStride,
                           float[] dw, int dwOff, int dwStride) {
        int last = nJ - 1;
        int j1 = Math.min(j0 + 1, last), j2 = Math.min(j0 + 2, last), j3 = Math.min(j0 + 3, last),
                j4 = Math.min(j0 + 4, last), j5 = Math.min(j0 + 5, last), j6 = Math.min(j0 + 6, last);
        int o0 = pixelBase(j0, tapLen, tapJump, 1), o1 = pixelBase(j1, tapLen, tapJump, 1),
                o2 = pixelBase(j2, tapLen, tapJump, 1), o3 = pixelBase(j3, tapLen, tapJump, 1),
                o4 = pixelBase(j4, tapLen, tapJump, 1), o5 = pixelBase(j5, tapLen, tapJump, 1),
                o6 = pixelBase(j6, tapLen, tapJump, 1);
        int d0 = dwOff + j0 * dwStride, d1 = dwOff + j1 * dwStride, d2 = dwOff + j2 * dwStride,
                d3 = dwOff + j3 * dwStride, d4 = dwOff + j4 * dwStride, d5 = dwOff + j5 * dwStride,
                d6 = dwOff + j6 * dwStride;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
        for (int r = 0, zb = dzOff; r < nRows; r++) {
          for (int c = 0, xb = xOff + r * rowJump; c < rowPix; c++, xb += pixJump, zb += dzStride) {
            FloatVector z = FloatVector.fromArray(S, dz, zb);
            a0 = FloatVector.broadcast(S, x[xb + o0]).fma(z, a0);
            a1 = FloatVector.broadcast(S, x[xb + o1]).fma(z, a1);
            a2 = FloatVector.broadcast(S, x[xb + o2]).fma(z, a2);
            a3 = FloatVector.broadcast(S, x[xb + o3]).fma(z, a3);
            a4 = FloatVector.broadcast(S, x[xb + o4]).fma(z, a4);
            a5 = FloatVector.broadcast(S, x[xb + o5]).fma(z, a5);
            a6 = FloatVector.broadcast(S, x[xb + o6]).fma(z, a6);
          }
        }
        a0 = a0.add(FloatVector.fromArray(S, dw, d0)); a1 = a1.add(FloatVector.fromArray(S, dw, d1));
        a2 = a2.add(FloatVector.fromArray(S, dw, d2)); a3 = a3.add(FloatVector.fromArray(S, dw, d3));
        a4 = a4.add(FloatVector.fromArray(S, dw, d4)); a5 = a5.add(FloatVector.fromArray(S, dw, d5));
        a6 = a6.add(FloatVector.fromArray(S, dw, d6));
        a0.intoArray(dw, d0); a1.intoArray(dw, d1); a2.intoArray(dw, d2); a3.intoArray(dw, d3);
        a4.intoArray(dw, d4); a5.intoArray(dw, d5); a6.intoArray(dw, d6);
    }

    /** Rows of {@link #packedRows8}: its a operand is packed in runs of this many floats. */
    static final int PACKED_ROWS = 8;

    /**
     * c[cOff + j*cStride, + L) += sum over k < count of a[aOff + k*aStep + j] * b[bOff + k*L, + L),
     * for the 8 rows j: a product of two packed panels, one vector of columns. a holds runs of
     * aStep >= 8 floats, of which the first 8 are this call's rows ({@link #PACKED_ROWS}, or a
     * vector's worth where the Winograd weight gradient packs a whole vector of channels a run).
     * Both operands advance with the loop counter by strides fixed for the call (the dense weight
     * gradient passes 8; the step became a parameter with the Winograd runs of 16, and the dense
     * gradient's rates stayed within the noise); 8 accumulators, 1 operand and 1 broadcast fit 16
     * registers. The sums start from zero and are added to c once, at the end.
     */
    static void packedRows8(float[] a, int aOff, int aStep, float[] b, int bOff, int count, float[] c, int cOff, int cStride) {
        packedRows8(a, aOff, aStep, b, bOff, count, c, cOff, cStride, Float.NaN, c, cOff, cStride);
    }

    /**
     * {@link #packedRows8} with the sums added to base rows and stored to c: c[cOff + j*cStride, + L)
     * = act(base[baseOff + j*baseStride, + L) + sum_j), act setting to +0.0 the lanes at or below
     * reluFloor: {@link VectorActivations#reluFloor} gives 0 for ReLU (max(z, 0) exactly) and NaN for
     * no activation (no lane is at or below NaN). The base is c itself to accumulate, or one row
     * (baseStride 0) such as a bias, so that a layer's output is written once, activated, instead of
     * being filled with its bias first and activated after.
     *
     * <p>The activation is data rather than a branch: one training step calls these tiles for a ReLU
     * layer (a one-channel convolution's forward) and for plain sums (weight gradients), and C2,
     * having compiled the branch with one side never taken, sent the tile back to the interpreter
     * when the other came (an unstable_if trap): in keras-mnist's first steps, 0.26 s more of C2
     * time compiling it twice more, whole and on the stack, while the step waited.
     */
    static void packedRows8(float[] a, int aOff, int aStep, float[] b, int bOff, int count,
                            float[] base, int baseOff, int baseStride, float reluFloor, float[] c, int cOff, int cStride) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int k = 0; k < count; k++) {
            FloatVector v = FloatVector.fromArray(S, b, bOff + k * L);
            int i = aOff + k * aStep;
            c0 = FloatVector.broadcast(S, a[i]).fma(v, c0);
            c1 = FloatVector.broadcast(S, a[i + 1]).fma(v, c1);
            c2 = FloatVector.broadcast(S, a[i + 2]).fma(v, c2);
            c3 = FloatVector.broadcast(S, a[i + 3]).fma(v, c3);
            c4 = FloatVector.broadcast(S, a[i + 4]).fma(v, c4);
            c5 = FloatVector.broadcast(S, a[i + 5]).fma(v, c5);
            c6 = FloatVector.broadcast(S, a[i + 6]).fma(v, c6);
            c7 = FloatVector.broadcast(S, a[i + 7]).fma(v, c7);
        }
        // Every base row is read before any c row is stored: the base may be c itself.
        c0 = c0.add(FloatVector.fromArray(S, base, baseOff));
        c1 = c1.add(FloatVector.fromArray(S, base, baseOff + baseStride));
        c2 = c2.add(FloatVector.fromArray(S, base, baseOff + 2 * baseStride));
        c3 = c3.add(FloatVector.fromArray(S, base, baseOff + 3 * baseStride));
        c4 = c4.add(FloatVector.fromArray(S, base, baseOff + 4 * baseStride));
        c5 = c5.add(FloatVector.fromArray(S, base, baseOff + 5 * baseStride));
        c6 = c6.add(FloatVector.fromArray(S, base, baseOff + 6 * baseStride));
        c7 = c7.add(FloatVector.fromArray(S, base, baseOff + 7 * baseStride));
        c0 = c0.blend(0f, c0.compare(LE, reluFloor)); c1 = c1.blend(0f, c1.compare(LE, reluFloor));
        c2 = c2.blend(0f, c2.compare(LE, reluFloor)); c3 = c3.blend(0f, c3.compare(LE, reluFloor));
        c4 = c4.blend(0f, c4.compare(LE, reluFloor)); c5 = c5.blend(0f, c5.compare(LE, reluFloor));
        c6 = c6.blend(0f, c6.compare(LE, reluFloor)); c7 = c7.blend(0f, c7.compare(LE, reluFloor));
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + cStride);
        c2.intoArray(c, cOff + 2 * cStride);
        c3.intoArray(c, cOff + 3 * cStride);
        c4.intoArray(c, cOff + 4 * cStride);
        c5.intoArray(c, cOff + 5 * cStride);
        c6.intoArray(c, cOff + 6 * cStride);
        c7.intoArray(c, cOff + 7 * cStride);
    }

    /**
     * Whether {@link #packedRows8x2} may run ({@link #packedRows8Panels} decides): its 16 accumulators, 2 operands and a broadcast need
     * 32 vector registers (AVX-512, AArch64); with 16 (AVX2) C2 would spill accumulators, and the
     * one-vector tile runs instead.
     */
    static final boolean PACKED_PAIRS = REGISTERS >= 32;

    /**
     * c[rows j][vectors v] = act(base[rows j][vectors v] + the sums of packedRows8 against panel v),
     * for 8 rows j and {@code vectors} panels of one vector of columns, panel v at b[bOff +
     * v*panelStride] and its columns at v*L in base and c: two panels at a time on
     * {@link #packedRows8x2} where the registers allow ({@link #PACKED_PAIRS}), the last three of an
     * odd count at once on {@link #packedRows8x3}, else the rest one at a time. The base and
     * reluFloor are as in the second {@link #packedRows8}.
     */
    static void packedRows8Panels(float[] a, int aOff, int aStep, float[] b, int bOff, int panelStride, int count,
                                  int vectors, float[] base, int baseOff, int baseStride, float reluFloor,
                                  float[] c, int cOff, int cStride) {
        int v = 0;
        for (; PACKED_PAIRS && vectors - v >= 2 && vectors - v != 3; v += 2) {
            packedRows8x2(a, aOff, aStep, b, bOff + v * panelStride, bOff + (v + 1) * panelStride, count,
                    base, baseOff + v * L, baseStride, reluFloor, c, cOff + v * L, cStride);
        }
        if (PACKED_PAIRS && vectors - v == 3) {
            packedRows8x3(a, aOff, aStep, b, bOff + v * panelStride, bOff + (v + 1) * panelStride,
                    bOff + (v + 2) * panelStride, count, base, baseOff + v * L, baseStride, reluFloor, c, cOff + v * L, cStride);
            v += 3;
        }
        for (; v < vectors; v++) {
            packedRows8(a, aOff, aStep, b, bOff + v * panelStride, count, base, baseOff + v * L, baseStride, reluFloor,
                    c, cOff + v * L, cStride);
        }
    }

    /**
     * c[cOff + r*cStride + v*L, + L) += sum over k < count of a(r, k) * b[bOff + v*panelStride + k*L, + L)
     * for the rows r < rows and the vectors v < vectors, where row r's operand at depth k is
     * a[aOff + (r / run)*run*count + r % run + k*run]: runs of {@code run} rows (a multiple of
     * {@link #PACKED_ROWS}), each a block of count steps, as the Winograd weight gradient packs its
     * output channels. Each sum starts from zero and is added to c once, as {@link #packedRows8}
     * does, whichever tile runs it: the same bits. With 32 registers, eight rows at a time on
     * {@link #packedRows8Panels}; with 16, whose one-vector tile has 8 accumulators, just the
     * multiply-adds in flight that two FMA pipes of latency 4 need, six rows against two vectors
     * ({@link #runRows6x2}, 12 accumulators), and any last vector on packedRows8. Zen 5 at 256
     * bits, the whole weight gradient over 16 examples (a probe, new and old runtime in turns, two
     * JVMs each, in a noisy hour): tf-mnist's conv2 1800-2010 µs against 2050-2750, keras-mnist's
     * 590-640 against 660-860; at 512 bits unchanged (1100-1250 against 1100-1190).
     */
    static void runRowsProduct(float[] a, int aOff, int run, int count, int rows, float[] b, int bOff, int panelStride,
                               int vectors, float[] c, int cOff, int cStride) {
        int v = 0;
        if (!PACKED_PAIRS) {
            for (; v + 2 <= vectors; v += 2) {
                for (int r = 0; r < rows; r += SHORT_ROWS) {
                    runRows6x2(a, aOff, run, count, r, rows - 1, b, bOff + v * panelStride, bOff + (v + 1) * panelStride,
                            c, cOff + v * L, cStride);
                }
            }
        }
        if (v == vectors) {
            return;
        }
        for (int r = 0; r < rows; r += PACKED_ROWS) {
            int at = cOff + r * cStride + v * L;
            packedRows8Panels(a, aOff + r / run * run * count + r % run, run, b, bOff + v * panelStride, panelStride, count,
                    vectors - v, c, at, cStride, Float.NaN, c, at, cStride);
        }
    }

    /**
     * Six rows of {@link #runRowsProduct} from row r0 (rows past last repeat it) against two
     * vectors of columns, b[bOff + k*L] and b[bOff1 + k*L]. Every row of c is read before any is
     * stored, so a repeated row stores its one sum and is not added twice.
     */
    private static void runRows6x2(float[] a, int aOff, int run, int count, int r0, int last, float[] b, int bOff, int bOff1,
                                   float[] c, int cOff, int cStride) {
        int r1 = Math.min(r0 + 1, last), r2 = Math.min(r0 + 2, last), r3 = Math.min(r0 + 3, last),
                r4 = Math.min(r0 + 4, last), r5 = Math.min(r0 + 5, last);
        int x0 = aOff + r0 / run * run * count + r0 % run, x1 = aOff + r1 / run * run * count + r1 % run,
                x2 = aOff + r2 / run * run * count + r2 % run, x3 = aOff + r3 / run * run * count + r3 % run,
                x4 = aOff + r4 / run * run * count + r4 % run, x5 = aOff + r5 / run * run * count + r5 % run;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector d0 = c0, d1 = c0, d2 = c0, d3 = c0, d4 = c0, d5 = c0;
        for (int k = 0; k < count; k++) {
            FloatVector v = FloatVector.fromArray(S, b, bOff + k * L);
            FloatVector w = FloatVector.fromArray(S, b, bOff1 + k * L);
            int step = k * run;
            FloatVector x = FloatVector.broadcast(S, a[x0 + step]);
            c0 = x.fma(v, c0); d0 = x.fma(w, d0);
            x = FloatVector.broadcast(S, a[x1 + step]);
            c1 = x.fma(v, c1); d1 = x.fma(w, d1);
            x = FloatVector.broadcast(S, a[x2 + step]);
            c2 = x.fma(v, c2); d2 = x.fma(w, d2);
            x = FloatVector.broadcast(S, a[x3 + step]);
            c3 = x.fma(v, c3); d3 = x.fma(w, d3);
            x = FloatVector.broadcast(S, a[x4 + step]);
            c4 = x.fma(v, c4); d4 = x.fma(w, d4);
            x = FloatVector.broadcast(S, a[x5 + step]);
            c5 = x.fma(v, c5); d5 = x.fma(w, d5);
        }
        int y0 = cOff + r0 * cStride, y1 = cOff + r1 * cStride, y2 = cOff + r2 * cStride,
                y3 = cOff + r3 * cStride, y4 = cOff + r4 * cStride, y5 = cOff + r5 * cStride;
        c0 = c0.add(FloatVector.fromArray(S, c, y0)); d0 = d0.add(FloatVector.fromArray(S, c, y0 + L));
        c1 = c1.add(FloatVector.fromArray(S, c, y1)); d1 = d1.add(FloatVector.fromArray(S, c, y1 + L));
        c2 = c2.add(FloatVector.fromArray(S, c, y2)); d2 = d2.add(FloatVector.fromArray(S, c, y2 + L));
        c3 = c3.add(FloatVector.fromArray(S, c, y3)); d3 = d3.add(FloatVector.fromArray(S, c, y3 + L));
        c4 = c4.add(FloatVector.fromArray(S, c, y4)); d4 = d4.add(FloatVector.fromArray(S, c, y4 + L));
        c5 = c5.add(FloatVector.fromArray(S, c, y5)); d5 = d5.add(FloatVector.fromArray(S, c, y5 + L));
        c0.intoArray(c, y0); d0.intoArray(c, y0 + L);
        c1.intoArray(c, y1); d1.intoArray(c, y1 + L);
        c2.intoArray(c, y2); d2.intoArray(c, y2 + L);
        c3.intoArray(c, y3); d3.intoArray(c, y3 + L);
        c4.intoArray(c, y4); d4.intoArray(c, y4 + L);
        c5.intoArray(c, y5); d5.intoArray(c, y5 + L);
    }

    /**
     * {@link #packedRows8x2} for three vectors of columns, b[bOff + k*L], b[bOff1 + k*L] and
     * b[bOff2 + k*L], to c[cOff + j*cStride + i*L, + L) for i = 0, 1, 2: 24 multiply-adds per 3 loads
     * and 8 broadcasts, where a pair and a single made 24 per 3 loads and 16 broadcasts, and on Zen 5
     * a broadcast feeding one multiply-add held the one-vector tile to about two thirds of the
     * peak. Three panels of a 48-channel Winograd weight gradient (tf-16-36's conv2): see
     * {@link #packedRows8Panels}. The same operations in the same order as packedRows8: the same bits.
     */
    static void packedRows8x3(float[] a, int aOff, int aStep, float[] b, int bOff, int bOff1, int bOff2, int count,
                              float[] base, int baseOff, int baseStride, float reluFloor, float[] c, int cOff, int cStride) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector d0 = c0, d1 = c0, d2 = c0, d3 = c0, d4 = c0, d5 = c0, d6 = c0, d7 = c0;
        FloatVector e0 = c0, e1 = c0, e2 = c0, e3 = c0, e4 = c0, e5 = c0, e6 = c0, e7 = c0;
        for (int k = 0; k < count; k++) {
            FloatVector u = FloatVector.fromArray(S, b, bOff + k * L);
            FloatVector v = FloatVector.fromArray(S, b, bOff1 + k * L);
            FloatVector w = FloatVector.fromArray(S, b, bOff2 + k * L);
            int i = aOff + k * aStep;
            FloatVector x = FloatVector.broadcast(S, a[i]);
            c0 = x.fma(u, c0); d0 = x.fma(v, d0); e0 = x.fma(w, e0);
            x = FloatVector.broadcast(S, a[i + 1]);
            c1 = x.fma(u, c1); d1 = x.fma(v, d1); e1 = x.fma(w, e1);
            x = FloatVector.broadcast(S, a[i + 2]);
            c2 = x.fma(u, c2); d2 = x.fma(v, d2); e2 = x.fma(w, e2);
            x = FloatVector.broadcast(S, a[i + 3]);
            c3 = x.fma(u, c3); d3 = x.fma(v, d3); e3 = x.fma(w, e3);
            x = FloatVector.broadcast(S, a[i + 4]);
            c4 = x.fma(u, c4); d4 = x.fma(v, d4); e4 = x.fma(w, e4);
            x = FloatVector.broadcast(S, a[i + 5]);
            c5 = x.fma(u, c5); d5 = x.fma(v, d5); e5 = x.fma(w, e5);
            x = FloatVector.broadcast(S, a[i + 6]);
            c6 = x.fma(u, c6); d6 = x.fma(v, d6); e6 = x.fma(w, e6);
            x = FloatVector.broadcast(S, a[i + 7]);
            c7 = x.fma(u, c7); d7 = x.fma(v, d7); e7 = x.fma(w, e7);
        }
        int b1 = baseOff + L, b2 = baseOff + 2 * L, c1At = cOff + L, c2At = cOff + 2 * L;
        c0 = c0.add(FloatVector.fromArray(S, base, baseOff)); d0 = d0.add(FloatVector.fromArray(S, base, b1));
        e0 = e0.add(FloatVector.fromArray(S, base, b2));
        c1 = c1.add(FloatVector.fromArray(S, base, baseOff + baseStride)); d1 = d1.add(FloatVector.fromArray(S, base, b1 + baseStride));
        e1 = e1.add(FloatVector.fromArray(S, base, b2 + baseStride));
        c2 = c2.add(FloatVector.fromArray(S, base, baseOff + 2 * baseStride)); d2 = d2.add(FloatVector.fromArray(S, base, b1 + 2 * baseStride));
        e2 = e2.add(FloatVector.fromArray(S, base, b2 + 2 * baseStride));
        c3 = c3.add(FloatVector.fromArray(S, base, baseOff + 3 * baseStride)); d3 = d3.add(FloatVector.fromArray(S, base, b1 + 3 * baseStride));
        e3 = e3.add(FloatVector.fromArray(S, base, b2 + 3 * baseStride));
        c4 = c4.add(FloatVector.fromArray(S, base, baseOff + 4 * baseStride)); d4 = d4.add(FloatVector.fromArray(S, base, b1 + 4 * baseStride));
        e4 = e4.add(FloatVector.fromArray(S, base, b2 + 4 * baseStride));
        c5 = c5.add(FloatVector.fromArray(S, base, baseOff + 5 * baseStride)); d5 = d5.add(FloatVector.fromArray(S, base, b1 + 5 * baseStride));
        e5 = e5.add(FloatVector.fromArray(S, base, b2 + 5 * baseStride));
        c6 = c6.add(FloatVector.fromArray(S, base, baseOff + 6 * baseStride)); d6 = d6.add(FloatVector.fromArray(S, base, b1 + 6 * baseStride));
        e6 = e6.add(FloatVector.fromArray(S, base, b2 + 6 * baseStride));
        c7 = c7.add(FloatVector.fromArray(S, base, baseOff + 7 * baseStride)); d7 = d7.add(FloatVector.fromArray(S, base, b1 + 7 * baseStride));
        e7 = e7.add(FloatVector.fromArray(S, base, b2 + 7 * baseStride));
        c0 = c0.blend(0f, c0.compare(LE, reluFloor)); d0 = d0.blend(0f, d0.compare(LE, reluFloor));
        e0 = e0.blend(0f, e0.compare(LE, reluFloor));
        c1 = c1.blend(0f, c1.compare(LE, reluFloor)); d1 = d1.blend(0f, d1.compare(LE, reluFloor));
        e1 = e1.blend(0f, e1.compare(LE, reluFloor));
        c2 = c2.blend(0f, c2.compare(LE, reluFloor)); d2 = d2.blend(0f, d2.compare(LE, reluFloor));
        e2 = e2.blend(0f, e2.compare(LE, reluFloor));
        c3 = c3.blend(0f, c3.compare(LE, reluFloor)); d3 = d3.blend(0f, d3.compare(LE, reluFloor));
        e3 = e3.blend(0f, e3.compare(LE, reluFloor));
        c4 = c4.blend(0f, c4.compare(LE, reluFloor)); d4 = d4.blend(0f, d4.compare(LE, reluFloor));
        e4 = e4.blend(0f, e4.compare(LE, reluFloor));
        c5 = c5.blend(0f, c5.compare(LE, reluFloor)); d5 = d5.blend(0f, d5.compare(LE, reluFloor));
        e5 = e5.blend(0f, e5.compare(LE, reluFloor));
        c6 = c6.blend(0f, c6.compare(LE, reluFloor)); d6 = d6.blend(0f, d6.compare(LE, reluFloor));
        e6 = e6.blend(0f, e6.compare(LE, reluFloor));
        c7 = c7.blend(0f, c7.compare(LE, reluFloor)); d7 = d7.blend(0f, d7.compare(LE, reluFloor));
        e7 = e7.blend(0f, e7.compare(LE, reluFloor));
        c0.intoArray(c, cOff); d0.intoArray(c, c1At); e0.intoArray(c, c2At);
        c1.intoArray(c, cOff + cStride); d1.intoArray(c, c1At + cStride); e1.intoArray(c, c2At + cStride);
        c2.intoArray(c, cOff + 2 * cStride); d2.intoArray(c, c1At + 2 * cStride); e2.intoArray(c, c2At + 2 * cStride);
        c3.intoArray(c, cOff + 3 * cStride); d3.intoArray(c, c1At + 3 * cStride); e3.intoArray(c, c2At + 3 * cStride);
        c4.intoArray(c, cOff + 4 * cStride); d4.intoArray(c, c1At + 4 * cStride); e4.intoArray(c, c2At + 4 * cStride);
        c5.intoArray(c, cOff + 5 * cStride); d5.intoArray(c, c1At + 5 * cStride); e5.intoArray(c, c2At + 5 * cStride);
        c6.intoArray(c, cOff + 6 * cStride); d6.intoArray(c, c1At + 6 * cStride); e6.intoArray(c, c2At + 6 * cStride);
        c7.intoArray(c, cOff + 7 * cStride); d7.intoArray(c, c1At + 7 * cStride); e7.intoArray(c, c2At + 7 * cStride);
    }

    /**
     * The second {@link #packedRows8} for two vectors of columns at once: the sums of rows j against
     * b[bOff + k*L, + L) go to c[cOff + j*cStride, + L) and those against b[bOff1 + k*L, + L) to
     * c[cOff + j*cStride + L, + L), each added to its vector of the base row and activated as there
     * (both vectors of a base row are read), for the 8 rows j. Each broadcast of a feeds two multiply-adds:
     * 16 per 2 loads and 8 broadcasts, where two one-vector calls do 16 per 18 and read a twice. On
     * the AVX-512 Xeon (a probe of the two in turns, depth 64, runs of 16) 88 GFLOP/s against 61.
     * Each sum takes the same operations in the same order as in packedRows8: the same bits.
     */
    static void packedRows8x2(float[] a, int aOff, int aStep, float[] b, int bOff, int bOff1, int count,
                              float[] base, int baseOff, int baseStride, float reluFloor, float[] c, int cOff, int cStride) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector d0 = c0, d1 = c0, d2 = c0, d3 = c0, d4 = c0, d5 = c0, d6 = c0, d7 = c0;
        for (int k = 0; k < count; k++) {
            FloatVector v = FloatVector.fromArray(S, b, bOff + k * L);
            FloatVector w = FloatVector.fromArray(S, b, bOff1 + k * L);
            int i = aOff + k * aStep;
            FloatVector x = FloatVector.broadcast(S, a[i]);
            c0 = x.fma(v, c0); d0 = x.fma(w, d0);
            x = FloatVector.broadcast(S, a[i + 1]);
            c1 = x.fma(v, c1); d1 = x.fma(w, d1);
            x = FloatVector.broadcast(S, a[i + 2]);
            c2 = x.fma(v, c2); d2 = x.fma(w, d2);
            x = FloatVector.broadcast(S, a[i + 3]);
            c3 = x.fma(v, c3); d3 = x.fma(w, d3);
            x = FloatVector.broadcast(S, a[i + 4]);
            c4 = x.fma(v, c4); d4 = x.fma(w, d4);
            x = FloatVector.broadcast(S, a[i + 5]);
            c5 = x.fma(v, c5); d5 = x.fma(w, d5);
            x = FloatVector.broadcast(S, a[i + 6]);
            c6 = x.fma(v, c6); d6 = x.fma(w, d6);
            x = FloatVector.broadcast(S, a[i + 7]);
            c7 = x.fma(v, c7); d7 = x.fma(w, d7);
        }
        int e = baseOff + L;
        c0 = c0.add(FloatVector.fromArray(S, base, baseOff)); d0 = d0.add(FloatVector.fromArray(S, base, e));
        c1 = c1.add(FloatVector.fromArray(S, base, baseOff + baseStride)); d1 = d1.add(FloatVector.fromArray(S, base, e + baseStride));
        c2 = c2.add(FloatVector.fromArray(S, base, baseOff + 2 * baseStride)); d2 = d2.add(FloatVector.fromArray(S, base, e + 2 * baseStride));
        c3 = c3.add(FloatVector.fromArray(S, base, baseOff + 3 * baseStride)); d3 = d3.add(FloatVector.fromArray(S, base, e + 3 * baseStride));
        c4 = c4.add(FloatVector.fromArray(S, base, baseOff + 4 * baseStride)); d4 = d4.add(FloatVector.fromArray(S, base, e + 4 * baseStride));
        c5 = c5.add(FloatVector.fromArray(S, base, baseOff + 5 * baseStride)); d5 = d5.add(FloatVector.fromArray(S, base, e + 5 * baseStride));
        c6 = c6.add(FloatVector.fromArray(S, base, baseOff + 6 * baseStride)); d6 = d6.add(FloatVector.fromArray(S, base, e + 6 * baseStride));
        c7 = c7.add(FloatVector.fromArray(S, base, baseOff + 7 * baseStride)); d7 = d7.add(FloatVector.fromArray(S, base, e + 7 * baseStride));
        c0 = c0.blend(0f, c0.compare(LE, reluFloor)); c1 = c1.blend(0f, c1.compare(LE, reluFloor));
        c2 = c2.blend(0f, c2.compare(LE, reluFloor)); c3 = c3.blend(0f, c3.compare(LE, reluFloor));
        c4 = c4.blend(0f, c4.compare(LE, reluFloor)); c5 = c5.blend(0f, c5.compare(LE, reluFloor));
        c6 = c6.blend(0f, c6.compare(LE, reluFloor)); c7 = c7.blend(0f, c7.compare(LE, reluFloor));
        d0 = d0.blend(0f, d0.compare(LE, reluFloor)); d1 = d1.blend(0f, d1.compare(LE, reluFloor));
        d2 = d2.blend(0f, d2.compare(LE, reluFloor)); d3 = d3.blend(0f, d3.compare(LE, reluFloor));
        d4 = d4.blend(0f, d4.compare(LE, reluFloor)); d5 = d5.blend(0f, d5.compare(LE, reluFloor));
        d6 = d6.blend(0f, d6.compare(LE, reluFloor)); d7 = d7.blend(0f, d7.compare(LE, reluFloor));
        int f = cOff + L;
        c0.intoArray(c, cOff); d0.intoArray(c, f);
        c1.intoArray(c, cOff + cStride); d1.intoArray(c, f + cStride);
        c2.intoArray(c, cOff + 2 * cStride); d2.intoArray(c, f + 2 * cStride);
        c3.intoArray(c, cOff + 3 * cStride); d3.intoArray(c, f + 3 * cStride);
        c4.intoArray(c, cOff + 4 * cStride); d4.intoArray(c, f + 4 * cStride);
        c5.intoArray(c, cOff + 5 * cStride); d5.intoArray(c, f + 5 * cStride);
        c6.intoArray(c, cOff + 6 * cStride); d6.intoArray(c, f + 6 * cStride);
        c7.intoArray(c, cOff + 7 * cStride); d7.intoArray(c, f + 7 * cStride);
    }

    /**
     * A GEMM block against a packed panel: c[cOff + r*cStride, + 2L) = (add ? c : 0) +
     * start[startOff, + 2L) + sum over k < depth of a[aOff + r*aStride + k] * b[bOff + k*2L, + 2L),
     * for {@link #ROWS} rows r from r0 (rows past nRows - 1 repeat it, and store the same values).
     * The sums begin at start (a bias, or zeros) and c is added once at the end, as in
     * {@link #forwardNx2}: a dense layer's first depth block starts from its bias and each later one
     * from zero, then adds what the earlier blocks stored. Unlike forwardNx2 it has no pixel walk and
     * both operands advance with the loop counter, a by 1 and b by the constant 2L, so C2 takes the
     * bounds checks out of the loop. On tf-mnist's conv2 (Zen 3, one sequence of `./kiln kernels`
     * runs) its Winograd forward and input gradient ran at 94 and 95 GFLOP/s direct-equivalent on
     * this tile, 57 and 61 on forwardNx2 reading the same panels (whose stride is a parameter), and
     * 53 and 52 on forwardNx2 reading U in place.
     *
     * <p>The block is computed for {@code products} products, the p-th with a, b and c moved on by
     * p*aNext, p*bNext and p*cNext from aFirst, bFirst and cFirst (a Winograd convolution's
     * positions, {@link #zeroStartProducts}); one product with the strides unused elsewhere. The
     * other panel tiles ({@link #panelRows7x1}, {@link #panelRows7x3}, {@link #panelRows6x4}) take
     * the products the same way.
     */
    static void panelRowsNx2(int products, int aNext, int bNext, int cNext,
                             float[] a, int aFirst, int aStride, int depth, float[] b, int bFirst,
                             float[] start, int startOff, boolean add,
                             float[] c, int cFirst, int cStride, int r0, int nRows) {
        for (int product = 0; product < products; product++) {
            int aOff = aFirst + product * aNext, bOff = bFirst + product * bNext, cOff = cFirst + product * cNext;
            int last = nRows - 1;
            int x0 = rowAt(aOff, aStride, r0, 0, last), x1 = rowAt(aOff, aStride, r0, 1, last), x2 = rowAt(aOff, aStride, r0, 2, last),
                    x3 = rowAt(aOff, aStride, r0, 3, last), x4 = rowAt(aOff, aStride, r0, 4, last),
                    x5 = rowAt(aOff, aStride, r0, 5, last), x6 = rowAt(aOff, aStride, r0, 6, last);
            FloatVector s0 = FloatVector.fromArray(S, start, startOff), s1 = FloatVector.fromArray(S, start, startOff + L);
            FloatVector a00 = s0, a10 = s0, a20 = s0, a30 = s0, a40 = s0, a50 = s0, a60 = s0;
            FloatVector a01 = s1, a11 = s1, a21 = s1, a31 = s1, a41 = s1, a51 = s1, a61 = s1;
            for (int k = 0; k < depth; k++) {
                FloatVector w0 = FloatVector.fromArray(S, b, bOff + k * 2 * L);
                FloatVector w1 = FloatVector.fromArray(S, b, bOff + k * 2 * L + L);
                FloatVector v = FloatVector.broadcast(S, a[x0 + k]);
                a00 = v.fma(w0, a00); a01 = v.fma(w1, a01);
                v = FloatVector.broadcast(S, a[x1 + k]);
                a10 = v.fma(w0, a10); a11 = v.fma(w1, a11);
                v = FloatVector.broadcast(S, a[x2 + k]);
                a20 = v.fma(w0, a20); a21 = v.fma(w1, a21);
                v = FloatVector.broadcast(S, a[x3 + k]);
                a30 = v.fma(w0, a30); a31 = v.fma(w1, a31);
                if (ROW5) {
                    v = FloatVector.broadcast(S, a[x4 + k]);
                    a40 = v.fma(w0, a40); a41 = v.fma(w1, a41);
                }
                if (ROW6) {
                    v = FloatVector.broadcast(S, a[x5 + k]);
                    a50 = v.fma(w0, a50); a51 = v.fma(w1, a51);
                }
                if (ROW7) {
                    v = FloatVector.broadcast(S, a[x6 + k]);
                    a60 = v.fma(w0, a60); a61 = v.fma(w1, a61);
                }
            }
            int y0 = rowAt(cOff, cStride, r0, 0, last), y1 = rowAt(cOff, cStride, r0, 1, last), y2 = rowAt(cOff, cStride, r0, 2, last),
                    y3 = rowAt(cOff, cStride, r0, 3, last), y4 = rowAt(cOff, cStride, r0, 4, last),
                    y5 = rowAt(cOff, cStride, r0, 5, last), y6 = rowAt(cOff, cStride, r0, 6, last);
            if (add) {      // every row read before any is stored: a repeated row must not add twice
                a00 = a00.add(FloatVector.fromArray(S, c, y0)); a01 = a01.add(FloatVector.fromArray(S, c, y0 + L));
                a10 = a10.add(FloatVector.fromArray(S, c, y1)); a11 = a11.add(FloatVector.fromArray(S, c, y1 + L));
                a20 = a20.add(FloatVector.fromArray(S, c, y2)); a21 = a21.add(FloatVector.fromArray(S, c, y2 + L));
                a30 = a30.add(FloatVector.fromArray(S, c, y3)); a31 = a31.add(FloatVector.fromArray(S, c, y3 + L));
                if (ROW5) { a40 = a40.add(FloatVector.fromArray(S, c, y4)); a41 = a41.add(FloatVector.fromArray(S, c, y4 + L)); }
                if (ROW6) { a50 = a50.add(FloatVector.fromArray(S, c, y5)); a51 = a51.add(FloatVector.fromArray(S, c, y5 + L)); }
                if (ROW7) { a60 = a60.add(FloatVector.fromArray(S, c, y6)); a61 = a61.add(FloatVector.fromArray(S, c, y6 + L)); }
            }
            a00.intoArray(c, y0); a01.intoArray(c, y0 + L);
            a10.intoArray(c, y1); a11.intoArray(c, y1 + L);
            a20.intoArray(c, y2); a21.intoArray(c, y2 + L);
            a30.intoArray(c, y3); a31.intoArray(c, y3 + L);
            if (ROW5) { a40.intoArray(c, y4); a41.intoArray(c, y4 + L); }
            if (ROW6) { a50.intoArray(c, y5); a51.intoArray(c, y5 + L); }
            if (ROW7) { a60.intoArray(c, y6); a61.intoArray(c, y6 + L); }
        }
    }

    /**
     * off + row * stride for the tile row r0 + i, clamped to the last row: the panel tiles' rows past
     * the last repeat it (and store the same values), so a tile needs no tail of its own.
     */
    private static int rowAt(int off, int stride, int r0, int i, int last) {
        return off + Math.min(r0 + i, last) * stride;
    }

    /**
     * Whether panels may be four vectors wide ({@link #panelRows6x4}): its 24 accumulators, 4
     * operands and a broadcast need 32 vector registers (AVX-512, AArch64). With 16 (AVX2) the
     * widest panel is two vectors.
     */
    static final boolean QUAD_PANELS = REGISTERS >= 32;
    /** Columns of the widest panel: 4L where {@link #QUAD_PANELS}, else 2L. */
    static final int WIDEST_PANEL = QUAD_PANELS ? 4 * L : 2 * L;
    /** Rows of {@link #panelRows6x4}. */
    static final int QUAD_ROWS = 6;
    /** Rows of {@link #panelRows7x3}. */
    static final int TRIPLE_ROWS = 7;
    /**
     * Rows of the blocks that GEMMs on panels ({@link #panelColumns}) cut their rows into: a
     * multiple of every panel tile's rows that is used, so that no tile straddles two blocks.
     */
    static final int ROW_BLOCK = QUAD_PANELS ? QUAD_ROWS * ROWS : 2 * ROWS;

    /**
     * The width of the panel that starts at column from of a matrix cols wide, cut into panels left
     * to right: {@link #WIDEST_PANEL} while one fits; then, where {@link #QUAD_PANELS}, a rest of
     * more than 2L in one panel of 3L or 4L ({@link #panelRows7x3} or {@link #panelRows6x4}; tf-16-36's
     * 36 channels, 48 padded, ran as 2L + L on the two weakest tiles); else 2L while one fits, then
     * the rest. The last panel is rounded up to whole vectors, zero-padded by whoever packs it. Every packed panel layout
     * of the GEMMs ({@link PackedDense}, {@link WinogradTransforms#panelIndex}, the dense gradients)
     * cuts its columns this way, so {@link #panelColumns} can run any of them.
     */
    static int panelWidth(int from, int cols) {
        int rest = cols - from;
        if (rest >= WIDEST_PANEL) {
            return WIDEST_PANEL;
        }
        if (QUAD_PANELS && rest > 2 * L) {
            return (rest + L - 1) / L * L;      // the last panel, 3L or 4L, zero-padded to whole vectors
        }
        if (rest >= 2 * L) {
            return 2 * L;
        }
        return (rest + L - 1) / L * L;
    }

    /** The first column of the panel, cut as by {@link #panelWidth}, that holds column col of a matrix cols wide. */
    static int panelStart(int col, int cols) {
        int widest = cols / WIDEST_PANEL * WIDEST_PANEL;
        if (col < widest) {
            return col / WIDEST_PANEL * WIDEST_PANEL;
        }
        if (QUAD_PANELS && cols - widest > 2 * L) {
            return widest;
        }
        return widest + (col - widest) / (2 * L) * (2 * L);
    }

    /**
     * Every row tile of one panel width columns wide (4L, 3L, 2L or L; see {@link #panelWidth}): the
     * contract of {@link #panelRowsNx2} for the rows [0, nRows), on the tile for that width. b's
     * rows are width floats apart.
     */
    static void panelColumns(int width, float[] a, int aOff, int aStride, int depth, float[] b, int bOff,
                             float[] start, int startOff, boolean add, float[] c, int cOff, int cStride, int nRows) {
        if (width == 4 * L) {
            int r = 0;
            for (int tiles = sixRowTiles(nRows); tiles > 0; tiles--, r += QUAD_ROWS) {
                panelRows6x4(1, 0, 0, 0, a, aOff, aStride, depth, b, bOff, start, startOff, add, c, cOff, cStride, r, nRows);
            }
            for (; r < nRows; r += 4) {
                panelRows4x4(a, aOff, aStride, depth, b, bOff, start, startOff, add, c, cOff, cStride, r, nRows);
            }
        } else if (width == 3 * L) {
            tripleColumns(a, aOff, aStride, depth, b, bOff, start, startOff, add, c, cOff, cStride, nRows);
        } else if (width == 2 * L) {
            for (int r = 0; r < nRows; r += ROWS) {
                panelRowsNx2(1, 0, 0, 0, a, aOff, aStride, depth, b, bOff, start, startOff, add, c, cOff, cStride, r, nRows);
            }
        } else {
            for (int r = 0; r < nRows; r += TileLoops.TILE) {
                panelRows7x1(1, 0, 0, 0, a, aOff, aStride, depth, b, bOff, start, startOff, add, c, cOff, cStride, r, nRows);
            }
        }
    }

    /**
     * {@link #panelColumns} for a panel three vectors wide. Up to four rows left after the 7-row
     * tiles run two at a time: a 7-row tile would compute seven rows for them (tf-16-36's
     * predictions: 16 tiles of conv2 in blocks of 14 and 2). A method of its own, because
     * panelColumns must stay small enough for C2 to inline it into its hot callers (325 bytes of
     * bytecode): with these loops inside, it grew to 333.
     */
    private static void tripleColumns(float[] a, int aOff, int aStride, int depth, float[] b, int bOff,
                                      float[] start, int startOff, boolean add, float[] c, int cOff, int cStride, int nRows) {
        int rest = nRows % TRIPLE_ROWS, sevens = rest <= PAIRED_ROWS_MOST ? nRows - rest : nRows;
        int r = 0;
        for (; r < sevens; r += TRIPLE_ROWS) {
            panelRows7x3(1, 0, 0, 0, a, aOff, aStride, depth, b, bOff, start, startOff, add, c, cOff, cStride, r, nRows);
        }
        for (; r < nRows; r += 2) {
            panelRows2x3(a, aOff, aStride, depth, b, bOff, start, startOff, add, c, cOff, cStride, r, nRows);
        }
    }

    /** Rows of {@link #rows6x2Panels}. */
    private static final int SHORT_ROWS = 6;
    /** Rows of {@link #rows12x1}. */
    private static final int SINGLE_ROWS = 12;
    /**
     * The zero start {@link #zeroStartProduct} hands {@link #panelColumns}, which only reads its
     * start: one array for every thread and call, where taking the thread's zeroed scratch cost a
     * lookup and a fill per GEMM (each transformed position of each block of tiles).
     */
    private static final float[] ZERO_START = new float[4 * L];

    /**
     * c[cOff + r*cStride + j] = sum over k < depth of a[aOff + r*aStride + k] * b[k][j] for the rows
     * [0, nRows) and the columns [0, width), b packed in the panels of {@link #panelWidth}, the panel
     * at column j0 starting at bOff + j0*bDepth: {@link #panelColumns} of every panel with zero
     * start and no add, the same bits. Winograd's GEMMs run over 32 or 64 channels, and at such
     * depths {@link #panelRowsNx2}'s set-up per tile (its start loads, clamped rows, a call per
     * panel) costs a tenth of the tile: with 16 registers, {@link #rows6x2Panels} runs each six rows
     * across all the panels of two vectors in one call. Zen 5 at 256 bits: 12 rows x 64 columns
     * (a probe of the tiles, in one JVM) ran at depth 32 at 97-101 GFLOP/s against 86-88, at depth
     * 64 98-105 against 93-98; tf-mnist's conv2 forward over 16 examples took 1590-1660 µs against
     * 1750-1840 (a probe calling the kernels, new and old runtime in turns, four and two JVMs).
     * With 32 registers the panels are four vectors wide (outC 64 is one panel), and every panel
     * runs on {@link #panelColumns}.
     */
    static void zeroStartProduct(int width, float[] a, int aOff, int aStride, int depth, float[] b, int bOff, int bDepth,
                                 float[] c, int cOff, int cStride, int nRows) {
        int fused = QUAD_PANELS ? 0 : width / (2 * L) * (2 * L);
        int fusedRows = fused == 0 ? 0 : nRows / SHORT_ROWS * SHORT_ROWS;
        for (int r = 0; r < fusedRows; r += SHORT_ROWS) {
            rows6x2Panels(fused, a, aOff + r * aStride, aStride, depth, b, bOff, bDepth, c, cOff + r * cStride, cStride);
        }
        // A few rows left over (a block's last tiles) go two at a time across pairs of panels:
        // the 6-row tile would compute six rows for them.
        int rest = nRows - fusedRows;
        int paired = rest > 0 && rest <= PAIRED_ROWS_MOST ? fused / (4 * L) * (4 * L) : 0;
        for (int r = fusedRows; r < nRows && paired > 0; r += 2) {
            int second = Math.min(r + 1, nRows - 1);
            rows2x4Panels(paired, a, aOff + r * aStride, aOff + second * aStride, depth, b, bOff, bDepth,
                    c, cOff + r * cStride, cOff + second * cStride);
        }
        // With 16 registers a last panel of one vector (tf-16-36's 36 channels as 2L + 2L + L) takes
        // twelve rows a tile: its 7-row tile keeps 7 multiply-adds in flight, too few to fill two pipes.
        int single = QUAD_PANELS || width - fused != L ? 0 : nRows / SINGLE_ROWS * SINGLE_ROWS;
        for (int r = 0; r < single; r += SINGLE_ROWS) {
            rows12x1(a, aOff + r * aStride, aStride, depth, b, bOff + fused * bDepth, c, cOff + r * cStride + fused, cStride);
        }
        for (int j0 = 0, pw; j0 < width; j0 += pw) {
            pw = panelWidth(j0, width);
            int from = j0 < paired ? nRows : j0 < fused ? fusedRows : single;
            if (from < nRows) {
                panelColumns(pw, a, aOff + from * aStride, aStride, depth, b, bOff + j0 * bDepth, ZERO_START, 0, false,
                        c, cOff + from * cStride + j0, cStride, nRows - from);
            }
        }
    }

    /**
     * {@link #zeroStartProduct} for each of {@code products} products, product p reading a from
     * aOff + p*aNext and b from bOff + p*bNext and writing c from cOff + p*cNext: the GEMMs of a
     * Winograd convolution's transformed positions. Where the registers allow panels of four vectors
     * and the columns are one panel, the tile's whole row groups run with the loop over the products
     * inside the tile ({@link #panelRows7x1}, {@link #panelRowsNx2}, {@link #panelRows7x3},
     * {@link #panelRows6x4}); the rows left over, and other widths, go product by product through
     * zeroStartProduct. Each sum is the same either way. tf-16-36's conv2 is 16 channels deep: its
     * 64 products of 14 rows by 48 columns ran at 164-170 GFLOP/s against 132-140 with a call per
     * product (Zen 5, a probe of both in one JVM, the same bits), and tf-16-36 predicted batches of
     * 256 3.8-7.9% faster and trained 4.8-5.9% faster (both paths in one JVM, alternating half
     * seconds); tf-mnist's 32-deep products of 12 rows by 64 columns gained 6-11%, and the other
     * networks' training 0.4-0.8%, within the noise.
     */
    static void zeroStartProducts(int products, int width, float[] a, int aOff, int aNext, int aStride, int depth,
                                  float[] b, int bOff, int bNext, int bDepth,
                                  float[] c, int cOff, int cNext, int cStride, int nRows) {
        int rows = productLoopRows(width, nRows), tileRows = productTileRows(width);
        for (int r = 0; r < rows; r += tileRows) {
            if (width == 2 * L) {
                panelRowsNx2(products, aNext, bNext, cNext, a, aOff, aStride, depth, b, bOff, ZERO_START, 0, false,
                        c, cOff, cStride, r, nRows);
            } else if (width == L) {
                panelRows7x1(products, aNext, bNext, cNext, a, aOff, aStride, depth, b, bOff, ZERO_START, 0, false,
                        c, cOff, cStride, r, nRows);
            } else if (width == 3 * L) {
                panelRows7x3(products, aNext, bNext, cNext, a, aOff, aStride, depth, b, bOff, ZERO_START, 0, false,
                        c, cOff, cStride, r, nRows);
            } else {
                panelRows6x4(products, aNext, bNext, cNext, a, aOff, aStride, depth, b, bOff, ZERO_START, 0, false,
                        c, cOff, cStride, r, nRows);
            }
        }
        for (int p = 0; p < products && rows < nRows; p++) {
            zeroStartProduct(width, a, aOff + p * aNext + rows * aStride, aStride, depth, b, bOff + p * bNext, bDepth,
                    c, cOff + p * cNext + rows * cStride, cStride, nRows - rows);
        }
    }

    /**
     * The rows of nRows that {@link #zeroStartProducts} gives its loop over the products: the whole
     * tiles of {@link #productTileRows} (6-row tiles of four vectors as {@link #sixRowTiles} counts
     * them, fewer where it leaves a tail of 4-row tiles); none where that is 0.
     */
    static int productLoopRows(int width, int nRows) {
        int tileRows = productTileRows(width);
        if (tileRows == 0) {
            return 0;
        }
        int whole = nRows / tileRows;
        return (width == 4 * L ? Math.min(sixRowTiles(nRows), whole) : whole) * tileRows;
    }

    /**
     * The rows of {@link #panelColumns}' tile for a width of one panel, where panels may be four
     * vectors wide (7 for one and three vectors, {@link #ROWS} for two, 6 for four): the tiles that
     * take a loop over products. 0 for other widths, and with 16 registers.
     */
    private static int productTileRows(int width) {
        if (!QUAD_PANELS) {
            return 0;
        }
        return width == L ? TileLoops.TILE : width == 2 * L ? ROWS : width == 3 * L ? TRIPLE_ROWS : width == 4 * L ? QUAD_ROWS : 0;
    }

    /**
     * Six rows of {@link #zeroStartProduct} over the panels of two vectors in [0, width): per panel
     * 12 accumulators from zero, 2 operands and a broadcast, the 15 of AVX2's 16 registers that
     * {@link #panelRowsNx2} uses, each sum in the same order. The loop over the panels is inside:
     * the same tile called once per panel compiled to half the speed (47-51 GFLOP/s at depth 32;
     * 88 with -XX:-UseLoopPredicate, so C2's loop predication made the difference).
     */
    private static void rows6x2Panels(int width, float[] a, int aOff, int aStride, int depth, float[] b, int bOff, int bDepth,
                                      float[] c, int cOff, int cStride) {
        int x0 = aOff, x1 = x0 + aStride, x2 = x1 + aStride, x3 = x2 + aStride, x4 = x3 + aStride, x5 = x4 + aStride;
        for (int j0 = 0; j0 < width; j0 += 2 * L) {
            int panel = bOff + j0 * bDepth;
            FloatVector a00 = FloatVector.zero(S), a10 = a00, a20 = a00, a30 = a00, a40 = a00, a50 = a00;
            FloatVector a01 = a00, a11 = a00, a21 = a00, a31 = a00, a41 = a00, a51 = a00;
            for (int k = 0; k < depth; k++) {
                FloatVector w0 = FloatVector.fromArray(S, b, panel + k * 2 * L);
                FloatVector w1 = FloatVector.fromArray(S, b, panel + k * 2 * L + L);
                FloatVector v = FloatVector.broadcast(S, a[x0 + k]);
                a00 = v.fma(w0, a00); a01 = v.fma(w1, a01);
                v = FloatVector.broadcast(S, a[x1 + k]);
                a10 = v.fma(w0, a10); a11 = v.fma(w1, a11);
                v = FloatVector.broadcast(S, a[x2 + k]);
                a20 = v.fma(w0, a20); a21 = v.fma(w1, a21);
                v = FloatVector.broadcast(S, a[x3 + k]);
                a30 = v.fma(w0, a30); a31 = v.fma(w1, a31);
                v = FloatVector.broadcast(S, a[x4 + k]);
                a40 = v.fma(w0, a40); a41 = v.fma(w1, a41);
                v = FloatVector.broadcast(S, a[x5 + k]);
                a50 = v.fma(w0, a50); a51 = v.fma(w1, a51);
            }
            int y0 = cOff + j0, y1 = y0 + cStride, y2 = y1 + cStride, y3 = y2 + cStride, y4 = y3 + cStride, y5 = y4 + cStride;
            a00.intoArray(c, y0); a01.intoArray(c, y0 + L);
            a10.intoArray(c, y1); a11.intoArray(c, y1 + L);
            a20.intoArray(c, y2); a21.intoArray(c, y2 + L);
            a30.intoArray(c, y3); a31.intoArray(c, y3 + L);
            a40.intoArray(c, y4); a41.intoArray(c, y4 + L);
            a50.intoArray(c, y5); a51.intoArray(c, y5 + L);
        }
    }

    /**
     * Most rows left over after a block's full tiles that run two at a time: after the 6-row tiles
     * of {@link #zeroStartProduct} ({@link #rows2x4Panels}; five rows are as cheap on the 6-row
     * tile), and after the 7-row tiles of three-vector panels ({@link #panelRows2x3}).
     */
    private static final int PAIRED_ROWS_MOST = 4;

    /**
     * Two rows of {@link #zeroStartProduct}, starting at a[first] and a[second] and stored at
     * c[firstOut] and c[secondOut] (the same row twice for a last odd one: it stores the same values),
     * over pairs of two-vector panels in [0, width): 8 accumulators from zero, 4 operands and 2
     * broadcasts, each sum in the order of {@link #rows6x2Panels}. Row for row it is slower than the
     * 6-row tile (keras-mnist's prediction, JFR at 1 ms: 1958 samples for its last 3 rows, run as
     * 2 + 2, against 1924 for the first 6), but that tile, whose rows past the last repeat it,
     * computed six rows for a block's last one or three: tf-mnist's and lenet-like's 49 tiles an
     * example are eight tiles of 6 and one left over, and keras-mnist's prediction has nine 4x4
     * tiles in its conv2 (2169 samples for the last 3 rows on the 6-row tile).
     */
    private static void rows2x4Panels(int width, float[] a, int first, int second, int depth, float[] b, int bOff, int bDepth,
                                      float[] c, int firstOut, int secondOut) {
        for (int j0 = 0; j0 < width; j0 += 4 * L) {
            int panel0 = bOff + j0 * bDepth, panel1 = panel0 + 2 * L * bDepth;
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
            FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            for (int k = 0; k < depth; k++) {
                FloatVector w0 = FloatVector.fromArray(S, b, panel0 + k * 2 * L);
                FloatVector w1 = FloatVector.fromArray(S, b, panel0 + k * 2 * L + L);
                FloatVector w2 = FloatVector.fromArray(S, b, panel1 + k * 2 * L);
                FloatVector w3 = FloatVector.fromArray(S, b, panel1 + k * 2 * L + L);
                FloatVector v = FloatVector.broadcast(S, a[first + k]);
                a00 = v.fma(w0, a00); a01 = v.fma(w1, a01); a02 = v.fma(w2, a02); a03 = v.fma(w3, a03);
                v = FloatVector.broadcast(S, a[second + k]);
                a10 = v.fma(w0, a10); a11 = v.fma(w1, a11); a12 = v.fma(w2, a12); a13 = v.fma(w3, a13);
            }
            int y0 = firstOut + j0, y1 = secondOut + j0;
            a00.intoArray(c, y0); a01.intoArray(c, y0 + L); a02.intoArray(c, y0 + 2 * L); a03.intoArray(c, y0 + 3 * L);
            a10.intoArray(c, y1); a11.intoArray(c, y1 + L); a12.intoArray(c, y1 + 2 * L); a13.intoArray(c, y1 + 3 * L);
        }
    }

    /**
     * Twelve rows of {@link #zeroStartProduct} against one panel of one vector, b[bOff + k*L]: 12
     * accumulators, 1 operand and a broadcast on AVX2's 16 registers, each sum in the order of
     * {@link #panelRows7x1}. At depth 16 (tf-16-36's conv2 forward, 16 input channels) 59-60
     * GFLOP/s against the 7-row tile's 44 (Zen 5 at 256 bits, a probe of the two in one JVM).
     */
    private static void rows12x1(float[] a, int aOff, int aStride, int depth, float[] b, int bOff,
                                 float[] c, int cOff, int cStride) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int k = 0; k < depth; k++) {
            FloatVector w = FloatVector.fromArray(S, b, bOff + k * L);
            int i = aOff + k;
            a0 = FloatVector.broadcast(S, a[i]).fma(w, a0); i += aStride;
            a1 = FloatVector.broadcast(S, a[i]).fma(w, a1); i += aStride;
            a2 = FloatVector.broadcast(S, a[i]).fma(w, a2); i += aStride;
            a3 = FloatVector.broadcast(S, a[i]).fma(w, a3); i += aStride;
            a4 = FloatVector.broadcast(S, a[i]).fma(w, a4); i += aStride;
            a5 = FloatVector.broadcast(S, a[i]).fma(w, a5); i += aStride;
            a6 = FloatVector.broadcast(S, a[i]).fma(w, a6); i += aStride;
            a7 = FloatVector.broadcast(S, a[i]).fma(w, a7); i += aStride;
            a8 = FloatVector.broadcast(S, a[i]).fma(w, a8); i += aStride;
            a9 = FloatVector.broadcast(S, a[i]).fma(w, a9); i += aStride;
            a10 = FloatVector.broadcast(S, a[i]).fma(w, a10); i += aStride;
            a11 = FloatVector.broadcast(S, a[i]).fma(w, a11);
        }
        int y = cOff;
        a0.intoArray(c, y); y += cStride; a1.intoArray(c, y); y += cStride; a2.intoArray(c, y); y += cStride;
        a3.intoArray(c, y); y += cStride; a4.intoArray(c, y); y += cStride; a5.intoArray(c, y); y += cStride;
        a6.intoArray(c, y); y += cStride; a7.intoArray(c, y); y += cStride; a8.intoArray(c, y); y += cStride;
        a9.intoArray(c, y); y += cStride; a10.intoArray(c, y); y += cStride; a11.intoArray(c, y);
    }

    /**
     * {@link #panelRowsNx2} for a panel four vectors wide, b[bOff + k*4L, + 4L), 6 rows a block.
     * Each step loads 4 operands and 6 broadcasts for 24 multiply-adds, where the two-vector tile
     * loads 2 and 7 for 14, and computes one address per row for 4 multiply-adds rather than 2: on
     * the AVX-512 Xeon (a probe of the tiles in turns over the same columns, medians of 30) 6x4 ran
     * at 70-76 GFLOP/s against 53-64 at depth 32, and 85-87 against 69 at depth 256. Each sum takes
     * the same operations in the same order as in panelRowsNx2: the same bits.
     */
    static void panelRows6x4(int products, int aNext, int bNext, int cNext,
                             float[] a, int aFirst, int aStride, int depth, float[] b, int bFirst,
                             float[] start, int startOff, boolean add,
                             float[] c, int cFirst, int cStride, int r0, int nRows) {
        for (int product = 0; product < products; product++) {
            int aOff = aFirst + product * aNext, bOff = bFirst + product * bNext, cOff = cFirst + product * cNext;
            int last = nRows - 1;
            int x0 = rowAt(aOff, aStride, r0, 0, last), x1 = rowAt(aOff, aStride, r0, 1, last), x2 = rowAt(aOff, aStride, r0, 2, last),
                    x3 = rowAt(aOff, aStride, r0, 3, last), x4 = rowAt(aOff, aStride, r0, 4, last), x5 = rowAt(aOff, aStride, r0, 5, last);
            FloatVector s0 = FloatVector.fromArray(S, start, startOff), s1 = FloatVector.fromArray(S, start, startOff + L),
                    s2 = FloatVector.fromArray(S, start, startOff + 2 * L), s3 = FloatVector.fromArray(S, start, startOff + 3 * L);
            FloatVector a00 = s0, a10 = s0, a20 = s0, a30 = s0, a40 = s0, a50 = s0;
            FloatVector a01 = s1, a11 = s1, a21 = s1, a31 = s1, a41 = s1, a51 = s1;
            FloatVector a02 = s2, a12 = s2, a22 = s2, a32 = s2, a42 = s2, a52 = s2;
            FloatVector a03 = s3, a13 = s3, a23 = s3, a33 = s3, a43 = s3, a53 = s3;
            for (int k = 0; k < depth; k++) {
                int at = bOff + k * 4 * L;
                FloatVector w0 = FloatVector.fromArray(S, b, at), w1 = FloatVector.fromArray(S, b, at + L),
                        w2 = FloatVector.fromArray(S, b, at + 2 * L), w3 = FloatVector.fromArray(S, b, at + 3 * L);
                FloatVector v = FloatVector.broadcast(S, a[x0 + k]);
                a00 = v.fma(w0, a00); a01 = v.fma(w1, a01); a02 = v.fma(w2, a02); a03 = v.fma(w3, a03);
                v = FloatVector.broadcast(S, a[x1 + k]);
                a10 = v.fma(w0, a10); a11 = v.fma(w1, a11); a12 = v.fma(w2, a12); a13 = v.fma(w3, a13);
                v = FloatVector.broadcast(S, a[x2 + k]);
                a20 = v.fma(w0, a20); a21 = v.fma(w1, a21); a22 = v.fma(w2, a22); a23 = v.fma(w3, a23);
                v = FloatVector.broadcast(S, a[x3 + k]);
                a30 = v.fma(w0, a30); a31 = v.fma(w1, a31); a32 = v.fma(w2, a32); a33 = v.fma(w3, a33);
                v = FloatVector.broadcast(S, a[x4 + k]);
                a40 = v.fma(w0, a40); a41 = v.fma(w1, a41); a42 = v.fma(w2, a42); a43 = v.fma(w3, a43);
                v = FloatVector.broadcast(S, a[x5 + k]);
                a50 = v.fma(w0, a50); a51 = v.fma(w1, a51); a52 = v.fma(w2, a52); a53 = v.fma(w3, a53);
            }
            int y0 = rowAt(cOff, cStride, r0, 0, last), y1 = rowAt(cOff, cStride, r0, 1, last), y2 = rowAt(cOff, cStride, r0, 2, last),
                    y3 = rowAt(cOff, cStride, r0, 3, last), y4 = rowAt(cOff, cStride, r0, 4, last), y5 = rowAt(cOff, cStride, r0, 5, last);
            if (add) {      // every row read before any is stored: a repeated row must not add twice
                a00 = a00.add(FloatVector.fromArray(S, c, y0)); a01 = a01.add(FloatVector.fromArray(S, c, y0 + L));
                a02 = a02.add(FloatVector.fromArray(S, c, y0 + 2 * L)); a03 = a03.add(FloatVector.fromArray(S, c, y0 + 3 * L));
                a10 = a10.add(FloatVector.fromArray(S, c, y1)); a11 = a11.add(FloatVector.fromArray(S, c, y1 + L));
                a12 = a12.add(FloatVector.fromArray(S, c, y1 + 2 * L)); a13 = a13.add(FloatVector.fromArray(S, c, y1 + 3 * L));
                a20 = a20.add(FloatVector.fromArray(S, c, y2)); a21 = a21.add(FloatVector.fromArray(S, c, y2 + L));
                a22 = a22.add(FloatVector.fromArray(S, c, y2 + 2 * L)); a23 = a23.add(FloatVector.fromArray(S, c, y2 + 3 * L));
                a30 = a30.add(FloatVector.fromArray(S, c, y3)); a31 = a31.add(FloatVector.fromArray(S, c, y3 + L));
                a32 = a32.add(FloatVector.fromArray(S, c, y3 + 2 * L)); a33 = a33.add(FloatVector.fromArray(S, c, y3 + 3 * L));
                a40 = a40.add(FloatVector.fromArray(S, c, y4)); a41 = a41.add(FloatVector.fromArray(S, c, y4 + L));
                a42 = a42.add(FloatVector.fromArray(S, c, y4 + 2 * L)); a43 = a43.add(FloatVector.fromArray(S, c, y4 + 3 * L));
                a50 = a50.add(FloatVector.fromArray(S, c, y5)); a51 = a51.add(FloatVector.fromArray(S, c, y5 + L));
                a52 = a52.add(FloatVector.fromArray(S, c, y5 + 2 * L)); a53 = a53.add(FloatVector.fromArray(S, c, y5 + 3 * L));
            }
            a00.intoArray(c, y0); a01.intoArray(c, y0 + L); a02.intoArray(c, y0 + 2 * L); a03.intoArray(c, y0 + 3 * L);
            a10.intoArray(c, y1); a11.intoArray(c, y1 + L); a12.intoArray(c, y1 + 2 * L); a13.intoArray(c, y1 + 3 * L);
            a20.intoArray(c, y2); a21.intoArray(c, y2 + L); a22.intoArray(c, y2 + 2 * L); a23.intoArray(c, y2 + 3 * L);
            a30.intoArray(c, y3); a31.intoArray(c, y3 + L); a32.intoArray(c, y3 + 2 * L); a33.intoArray(c, y3 + 3 * L);
            a40.intoArray(c, y4); a41.intoArray(c, y4 + L); a42.intoArray(c, y4 + 2 * L); a43.intoArray(c, y4 + 3 * L);
            a50.intoArray(c, y5); a51.intoArray(c, y5 + L); a52.intoArray(c, y5 + 2 * L); a53.intoArray(c, y5 + 3 * L);
        }
    }

    /**
     * How many of nRows rows {@link #panelColumns} gives to {@link #panelRows6x4}: the rest goes to
     * {@link #panelRows4x4}, one or two tiles, so that a count that is not a multiple of 6 wastes at
     * most one row where it can (a tail of 2 rows had a 6-row tile compute its last row five times).
     * A thread's 32 rows of tf-mnist's fc1 are 6 x 4 + 4 x 2 rather than 6 x 6; its forward pass ran
     * 8% faster on 32 rows and 3% on 64 (Zen 5, both in one JVM in turns; the same bits).
     */
    static int sixRowTiles(int nRows) {
        int sixes = nRows / QUAD_ROWS;
        return switch (nRows % QUAD_ROWS) {
            case 0, 3, 4 -> sixes;                  // then no 4-row tile, or one
            case 1, 2 -> Math.max(sixes - 1, 0);    // 6 + 1 or 6 + 2 rows as two 4-row tiles
            default -> sixes + 1;                   // 5 rows left: a 6-row tile, one row computed twice
        };
    }

    /**
     * {@link #panelRows6x4} for 4 rows: the tail of a row count that 6-row tiles do not divide (see
     * {@link #sixRowTiles}). Each step loads 4 operands and 4 broadcasts for 16 multiply-adds; each
     * sum takes the same operations in the same order: the same bits.
     */
    static void panelRows4x4(float[] a, int aOff, int aStride, int depth, float[] b, int bOff,
                             float[] start, int startOff, boolean add,
                             float[] c, int cOff, int cStride, int r0, int nRows) {
        int last = nRows - 1;
        int x0 = rowAt(aOff, aStride, r0, 0, last), x1 = rowAt(aOff, aStride, r0, 1, last), x2 = rowAt(aOff, aStride, r0, 2, last),
                x3 = rowAt(aOff, aStride, r0, 3, last);
        FloatVector s0 = FloatVector.fromArray(S, start, startOff), s1 = FloatVector.fromArray(S, start, startOff + L),
                s2 = FloatVector.fromArray(S, start, startOff + 2 * L), s3 = FloatVector.fromArray(S, start, startOff + 3 * L);
        FloatVector a00 = s0, a10 = s0, a20 = s0, a30 = s0;
        FloatVector a01 = s1, a11 = s1, a21 = s1, a31 = s1;
        FloatVector a02 = s2, a12 = s2, a22 = s2, a32 = s2;
        FloatVector a03 = s3, a13 = s3, a23 = s3, a33 = s3;
        for (int k = 0; k < depth; k++) {
            int at = bOff + k * 4 * L;
            FloatVector w0 = FloatVector.fromArray(S, b, at), w1 = FloatVector.fromArray(S, b, at + L),
                    w2 = FloatVector.fromArray(S, b, at + 2 * L), w3 = FloatVector.fromArray(S, b, at + 3 * L);
            FloatVector v = FloatVector.broadcast(S, a[x0 + k]);
            a00 = v.fma(w0, a00); a01 = v.fma(w1, a01); a02 = v.fma(w2, a02); a03 = v.fma(w3, a03);
            v = FloatVector.broadcast(S, a[x1 + k]);
            a10 = v.fma(w0, a10); a11 = v.fma(w1, a11); a12 = v.fma(w2, a12); a13 = v.fma(w3, a13);
            v = FloatVector.broadcast(S, a[x2 + k]);
            a20 = v.fma(w0, a20); a21 = v.fma(w1, a21); a22 = v.fma(w2, a22); a23 = v.fma(w3, a23);
            v = FloatVector.broadcast(S, a[x3 + k]);
            a30 = v.fma(w0, a30); a31 = v.fma(w1, a31); a32 = v.fma(w2, a32); a33 = v.fma(w3, a33);
        }
        int y0 = rowAt(cOff, cStride, r0, 0, last), y1 = rowAt(cOff, cStride, r0, 1, last), y2 = rowAt(cOff, cStride, r0, 2, last),
                y3 = rowAt(cOff, cStride, r0, 3, last);
        if (add) {      // every row read before any is stored: a repeated row must not add twice
            a00 = a00.add(FloatVector.fromArray(S, c, y0)); a01 = a01.add(FloatVector.fromArray(S, c, y0 + L));
            a02 = a02.add(FloatVector.fromArray(S, c, y0 + 2 * L)); a03 = a03.add(FloatVector.fromArray(S, c, y0 + 3 * L));
            a10 = a10.add(FloatVector.fromArray(S, c, y1)); a11 = a11.add(FloatVector.fromArray(S, c, y1 + L));
            a12 = a12.add(FloatVector.fromArray(S, c, y1 + 2 * L)); a13 = a13.add(FloatVector.fromArray(S, c, y1 + 3 * L));
            a20 = a20.add(FloatVector.fromArray(S, c, y2)); a21 = a21.add(FloatVector.fromArray(S, c, y2 + L));
            a22 = a22.add(FloatVector.fromArray(S, c, y2 + 2 * L)); a23 = a23.add(FloatVector.fromArray(S, c, y2 + 3 * L));
            a30 = a30.add(FloatVector.fromArray(S, c, y3)); a31 = a31.add(FloatVector.fromArray(S, c, y3 + L));
            a32 = a32.add(FloatVector.fromArray(S, c, y3 + 2 * L)); a33 = a33.add(FloatVector.fromArray(S, c, y3 + 3 * L));
        }
        a00.intoArray(c, y0); a01.intoArray(c, y0 + L); a02.intoArray(c, y0 + 2 * L); a03.intoArray(c, y0 + 3 * L);
        a10.intoArray(c, y1); a11.intoArray(c, y1 + L); a12.intoArray(c, y1 + 2 * L); a13.intoArray(c, y1 + 3 * L);
        a20.intoArray(c, y2); a21.intoArray(c, y2 + L); a22.intoArray(c, y2 + 2 * L); a23.intoArray(c, y2 + 3 * L);
        a30.intoArray(c, y3); a31.intoArray(c, y3 + L); a32.intoArray(c, y3 + 2 * L); a33.intoArray(c, y3 + 3 * L);
    }

    /**
     * {@link #panelRowsNx2} for a panel three vectors wide, b[bOff + k*3L, + 3L), 7 rows a block:
     * 21 accumulators, 3 operands and a broadcast, so only where {@link #QUAD_PANELS}. Each step
     * loads 3 operands and 7 broadcasts for 21 multiply-adds, where a two-vector and a one-vector
     * tile over the same columns load 3 and 14. Each sum takes the same operations in the same
     * order as in panelRowsNx2: the same bits.
     */
    static void panelRows7x3(int products, int aNext, int bNext, int cNext,
                             float[] a, int aFirst, int aStride, int depth, float[] b, int bFirst,
                             float[] start, int startOff, boolean add,
                             float[] c, int cFirst, int cStride, int r0, int nRows) {
        for (int product = 0; product < products; product++) {
            int aOff = aFirst + product * aNext, bOff = bFirst + product * bNext, cOff = cFirst + product * cNext;
            int last = nRows - 1;
            int x0 = rowAt(aOff, aStride, r0, 0, last), x1 = rowAt(aOff, aStride, r0, 1, last), x2 = rowAt(aOff, aStride, r0, 2, last),
                    x3 = rowAt(aOff, aStride, r0, 3, last), x4 = rowAt(aOff, aStride, r0, 4, last),
                    x5 = rowAt(aOff, aStride, r0, 5, last), x6 = rowAt(aOff, aStride, r0, 6, last);
            FloatVector s0 = FloatVector.fromArray(S, start, startOff), s1 = FloatVector.fromArray(S, start, startOff + L),
                    s2 = FloatVector.fromArray(S, start, startOff + 2 * L);
            FloatVector a00 = s0, a10 = s0, a20 = s0, a30 = s0, a40 = s0, a50 = s0, a60 = s0;
            FloatVector a01 = s1, a11 = s1, a21 = s1, a31 = s1, a41 = s1, a51 = s1, a61 = s1;
            FloatVector a02 = s2, a12 = s2, a22 = s2, a32 = s2, a42 = s2, a52 = s2, a62 = s2;
            for (int k = 0; k < depth; k++) {
                int at = bOff + k * 3 * L;
                FloatVector w0 = FloatVector.fromArray(S, b, at), w1 = FloatVector.fromArray(S, b, at + L),
                        w2 = FloatVector.fromArray(S, b, at + 2 * L);
                FloatVector v = FloatVector.broadcast(S, a[x0 + k]);
                a00 = v.fma(w0, a00); a01 = v.fma(w1, a01); a02 = v.fma(w2, a02);
                v = FloatVector.broadcast(S, a[x1 + k]);
                a10 = v.fma(w0, a10); a11 = v.fma(w1, a11); a12 = v.fma(w2, a12);
                v = FloatVector.broadcast(S, a[x2 + k]);
                a20 = v.fma(w0, a20); a21 = v.fma(w1, a21); a22 = v.fma(w2, a22);
                v = FloatVector.broadcast(S, a[x3 + k]);
                a30 = v.fma(w0, a30); a31 = v.fma(w1, a31); a32 = v.fma(w2, a32);
                v = FloatVector.broadcast(S, a[x4 + k]);
                a40 = v.fma(w0, a40); a41 = v.fma(w1, a41); a42 = v.fma(w2, a42);
                v = FloatVector.broadcast(S, a[x5 + k]);
                a50 = v.fma(w0, a50); a51 = v.fma(w1, a51); a52 = v.fma(w2, a52);
                v = FloatVector.broadcast(S, a[x6 + k]);
                a60 = v.fma(w0, a60); a61 = v.fma(w1, a61); a62 = v.fma(w2, a62);
            }
            int y0 = rowAt(cOff, cStride, r0, 0, last), y1 = rowAt(cOff, cStride, r0, 1, last), y2 = rowAt(cOff, cStride, r0, 2, last),
                    y3 = rowAt(cOff, cStride, r0, 3, last), y4 = rowAt(cOff, cStride, r0, 4, last),
                    y5 = rowAt(cOff, cStride, r0, 5, last), y6 = rowAt(cOff, cStride, r0, 6, last);
            if (add) {      // every row read before any is stored: a repeated row must not add twice
                a00 = a00.add(FloatVector.fromArray(S, c, y0)); a01 = a01.add(FloatVector.fromArray(S, c, y0 + L));
                a02 = a02.add(FloatVector.fromArray(S, c, y0 + 2 * L));
                a10 = a10.add(FloatVector.fromArray(S, c, y1)); a11 = a11.add(FloatVector.fromArray(S, c, y1 + L));
                a12 = a12.add(FloatVector.fromArray(S, c, y1 + 2 * L));
                a20 = a20.add(FloatVector.fromArray(S, c, y2)); a21 = a21.add(FloatVector.fromArray(S, c, y2 + L));
                a22 = a22.add(FloatVector.fromArray(S, c, y2 + 2 * L));
                a30 = a30.add(FloatVector.fromArray(S, c, y3)); a31 = a31.add(FloatVector.fromArray(S, c, y3 + L));
                a32 = a32.add(FloatVector.fromArray(S, c, y3 + 2 * L));
                a40 = a40.add(FloatVector.fromArray(S, c, y4)); a41 = a41.add(FloatVector.fromArray(S, c, y4 + L));
                a42 = a42.add(FloatVector.fromArray(S, c, y4 + 2 * L));
                a50 = a50.add(FloatVector.fromArray(S, c, y5)); a51 = a51.add(FloatVector.fromArray(S, c, y5 + L));
                a52 = a52.add(FloatVector.fromArray(S, c, y5 + 2 * L));
                a60 = a60.add(FloatVector.fromArray(S, c, y6)); a61 = a61.add(FloatVector.fromArray(S, c, y6 + L));
                a62 = a62.add(FloatVector.fromArray(S, c, y6 + 2 * L));
            }
            a00.intoArray(c, y0); a01.intoArray(c, y0 + L); a02.intoArray(c, y0 + 2 * L);
            a10.intoArray(c, y1); a11.intoArray(c, y1 + L); a12.intoArray(c, y1 + 2 * L);
            a20.intoArray(c, y2); a21.intoArray(c, y2 + L); a22.intoArray(c, y2 + 2 * L);
            a30.intoArray(c, y3); a31.intoArray(c, y3 + L); a32.intoArray(c, y3 + 2 * L);
            a40.intoArray(c, y4); a41.intoArray(c, y4 + L); a42.intoArray(c, y4 + 2 * L);
            a50.intoArray(c, y5); a51.intoArray(c, y5 + L); a52.intoArray(c, y5 + 2 * L);
            a60.intoArray(c, y6); a61.intoArray(c, y6 + L); a62.intoArray(c, y6 + 2 * L);
        }
    }

    /**
     * {@link #panelRows7x3} for two rows (the second clamped to the last): the same operations in
     * the same order for each row, so the same bits, in 6 accumulators instead of 21.
     */
    static void panelRows2x3(float[] a, int aOff, int aStride, int depth, float[] b, int bOff,
                             float[] start, int startOff, boolean add,
                             float[] c, int cOff, int cStride, int r0, int nRows) {
        int last = nRows - 1;
        int x0 = rowAt(aOff, aStride, r0, 0, last), x1 = rowAt(aOff, aStride, r0, 1, last);
        FloatVector s0 = FloatVector.fromArray(S, start, startOff), s1 = FloatVector.fromArray(S, start, startOff + L),
                s2 = FloatVector.fromArray(S, start, startOff + 2 * L);
        FloatVector a00 = s0, a10 = s0, a01 = s1, a11 = s1, a02 = s2, a12 = s2;
        for (int k = 0; k < depth; k++) {
            int at = bOff + k * 3 * L;
            FloatVector w0 = FloatVector.fromArray(S, b, at), w1 = FloatVector.fromArray(S, b, at + L),
                    w2 = FloatVector.fromArray(S, b, at + 2 * L);
            FloatVector v = FloatVector.broadcast(S, a[x0 + k]);
            a00 = v.fma(w0, a00); a01 = v.fma(w1, a01); a02 = v.fma(w2, a02);
            v = FloatVector.broadcast(S, a[x1 + k]);
            a10 = v.fma(w0, a10); a11 = v.fma(w1, a11); a12 = v.fma(w2, a12);
        }
        int y0 = rowAt(cOff, cStride, r0, 0, last), y1 = rowAt(cOff, cStride, r0, 1, last);
        if (add) {      // both rows read before either is stored: a repeated row must not add twice
            a00 = a00.add(FloatVector.fromArray(S, c, y0)); a01 = a01.add(FloatVector.fromArray(S, c, y0 + L));
            a02 = a02.add(FloatVector.fromArray(S, c, y0 + 2 * L));
            a10 = a10.add(FloatVector.fromArray(S, c, y1)); a11 = a11.add(FloatVector.fromArray(S, c, y1 + L));
            a12 = a12.add(FloatVector.fromArray(S, c, y1 + 2 * L));
        }
        a00.intoArray(c, y0); a01.intoArray(c, y0 + L); a02.intoArray(c, y0 + 2 * L);
        a10.intoArray(c, y1); a11.intoArray(c, y1 + L); a12.intoArray(c, y1 + 2 * L);
    }

    /**
     * As {@link #panelRowsNx2} for a panel one vector wide, b[bOff + k*L, + L), 7 rows a block:
     * the last panel when the columns are an odd number of vectors, or not a whole number.
     */
    static void panelRows7x1(int products, int aNext, int bNext, int cNext,
                             float[] a, int aFirst, int aStride, int depth, float[] b, int bFirst,
                             float[] start, int startOff, boolean add,
                             float[] c, int cFirst, int cStride, int r0, int nRows) {
        for (int product = 0; product < products; product++) {
            int aOff = aFirst + product * aNext, bOff = bFirst + product * bNext, cOff = cFirst + product * cNext;
            int last = nRows - 1;
            int x0 = rowAt(aOff, aStride, r0, 0, last), x1 = rowAt(aOff, aStride, r0, 1, last), x2 = rowAt(aOff, aStride, r0, 2, last),
                    x3 = rowAt(aOff, aStride, r0, 3, last), x4 = rowAt(aOff, aStride, r0, 4, last),
                    x5 = rowAt(aOff, aStride, r0, 5, last), x6 = rowAt(aOff, aStride, r0, 6, last);
            FloatVector a0 = FloatVector.fromArray(S, start, startOff), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
            for (int k = 0; k < depth; k++) {
                FloatVector w = FloatVector.fromArray(S, b, bOff + k * L);
                a0 = FloatVector.broadcast(S, a[x0 + k]).fma(w, a0);
                a1 = FloatVector.broadcast(S, a[x1 + k]).fma(w, a1);
                a2 = FloatVector.broadcast(S, a[x2 + k]).fma(w, a2);
                a3 = FloatVector.broadcast(S, a[x3 + k]).fma(w, a3);
                a4 = FloatVector.broadcast(S, a[x4 + k]).fma(w, a4);
                a5 = FloatVector.broadcast(S, a[x5 + k]).fma(w, a5);
                a6 = FloatVector.broadcast(S, a[x6 + k]).fma(w, a6);
            }
            int y0 = rowAt(cOff, cStride, r0, 0, last), y1 = rowAt(cOff, cStride, r0, 1, last), y2 = rowAt(cOff, cStride, r0, 2, last),
                    y3 = rowAt(cOff, cStride, r0, 3, last), y4 = rowAt(cOff, cStride, r0, 4, last),
                    y5 = rowAt(cOff, cStride, r0, 5, last), y6 = rowAt(cOff, cStride, r0, 6, last);
            if (add) {
                a0 = a0.add(FloatVector.fromArray(S, c, y0)); a1 = a1.add(FloatVector.fromArray(S, c, y1));
                a2 = a2.add(FloatVector.fromArray(S, c, y2)); a3 = a3.add(FloatVector.fromArray(S, c, y3));
                a4 = a4.add(FloatVector.fromArray(S, c, y4)); a5 = a5.add(FloatVector.fromArray(S, c, y5));
                a6 = a6.add(FloatVector.fromArray(S, c, y6));
            }
            a0.intoArray(c, y0); a1.intoArray(c, y1); a2.intoArray(c, y2); a3.intoArray(c, y3);
            a4.intoArray(c, y4); a5.intoArray(c, y5); a6.intoArray(c, y6);
        }
    }
}
