package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Loops that cover a whole output with the tiles of {@link VectorTiles}: channels in blocks of two
 * vectors, then single (possibly partial) vectors; pixels or weight rows in groups of
 * {@link VectorTiles#ROWS} or {@link VectorTiles#WEIGHT_ROWS} (two vectors, as many as the
 * registers hold) or {@link #TILE} (one).
 *
 * <p>A partial vector block (the last channels when their count is not a multiple of the lane
 * count) runs in zero-padded panels packed per call: operand, bias and output, each a whole
 * vector wide, and the real lanes are copied back at the end. Masked loads in place would reach
 * past the end of the arrays at the last row; measured here, such loads made C2 compile the
 * kernel's loads on a slow path (7-8 instead of 24-38 GFLOP/s for a 10-class dense layer).
 */
final class TileLoops {

    /** Pixel (or row) count of a one-vector forward or weight-gradient tile (9 registers at most). */
    static final int TILE = 7;
    /** Pixel (or row) count of a two-vector forward tile, chosen per machine. */
    static final int WIDE_TILE = VectorTiles.ROWS;
    /** Weight rows of a two-vector weight-gradient tile, chosen per machine. */
    static final int WIDE_WEIGHT_TILE = VectorTiles.WEIGHT_ROWS;

    private TileLoops() {
    }

    /**
     * Every tile of a forward pass: out[p][c] = (accumulate ? out[p][c] : b[c]) + sum over tap <
     * taps, t < tapLen of x[base(p) + tap*tapJump + t] * w[wOff + (tap*tapLen + t)*outC + c], then
     * ReLU when relu is set; base(p) as in {@link VectorTiles#pixelBase}.
     */
    static void forward(float[] x, int xOff, int rowPix, int rowJump, int pixJump,
                        int taps, int tapJump, int tapLen,
                        float[] w, int wOff, int outC, float[] b, boolean accumulate, boolean relu,
                        float[] y, int yOff, int nPix) {
        int oc = 0;
        for (; oc + 2 * L <= outC; oc += 2 * L) {
            for (int p = 0; p < nPix; p += WIDE_TILE) {
                for (int tap = 0; tap < taps; tap++) {      // the first tap from the bias (or y), the later ones added
                    VectorTiles.forwardNx2(x, xOff + tap * tapJump, rowPix, rowJump, pixJump, tapLen,
                            w, wOff + oc + tap * tapLen * outC, outC, b, oc, accumulate || tap > 0,
                            relu && tap == taps - 1, y, yOff + oc, outC, p, nPix);
                }
            }
        }
        for (; oc < outC; oc += L) {
            int lanes = Math.min(L, outC - oc);
            if (lanes == L) {           // one whole vector (16 channels): in place, no panels needed
                for (int p = 0; p < nPix; p += TILE) {
                    VectorTiles.forward7x1(x, xOff, rowPix, rowJump, pixJump, taps, tapJump, tapLen,
                            w, wOff + oc, outC, b, oc, accumulate, relu, y, yOff + oc, outC, p, nPix);
                }
                continue;
            }
            int wRows = taps * tapLen;
            float[] wPanel = Scratch.floats(Scratch.PANEL, wRows * L);
            packColumns(w, wOff, outC, wRows, oc, lanes, L, wPanel);
            float[] out = Scratch.floats(Scratch.OUT, nPix * L);
            if (accumulate) {
                packColumns(y, yOff, outC, nPix, oc, lanes, L, out);
            }
            float[] bias = paddedBias(b, oc, lanes, accumulate);
            for (int p = 0; p < nPix; p += TILE) {
                VectorTiles.forward7x1(x, xOff, rowPix, rowJump, pixJump, taps, tapJump, tapLen,
                        wPanel, 0, L, bias, 0, accumulate, relu, out, 0, L, p, nPix);
            }
            unpackColumns(out, L, nPix, lanes, y, yOff + oc, outC);
        }
    }

    /** b[oc, oc + lanes) followed by zeros up to a whole vector, or null when not needed. */
    static float[] paddedBias(float[] b, int oc, int lanes, boolean accumulate) {
        if (accumulate) {
            return null;
        }
        float[] bias = Scratch.floats(Scratch.BIAS, L);
        packColumns(b, 0, 0, 1, oc, lanes, L, bias);
        return bias;
    }

    /** Every tile of a weight gradient over nJ weight rows; see {@link VectorTiles#weightsNx2}. */
    static void weights(float[] x, int xOff, int nRows, int rowPix, int rowJump, int pixJump,
                        int tapLen, int tapJump, int nJ,
                        float[] dz, int dzOff, int outC, float[] dw) {
        int oc = 0;
        for (; oc + 2 * L <= outC; oc += 2 * L) {
            for (int j = 0; j < nJ; j += WIDE_WEIGHT_TILE) {
                VectorTiles.weightsNx2(x, xOff, nRows, rowPix, rowJump, pixJump, tapLen, tapJump, j, nJ,
                        dz, dzOff + oc, outC, dw, oc, outC);
            }
        }
        for (; oc < outC; oc += L) {
            if (oc + L <= outC) {       // one whole vector: in place, no panels needed
                for (int j = 0; j < nJ; j += TILE) {
                    VectorTiles.weights7x1(x, xOff, nRows, rowPix, rowJump, pixJump, tapLen, tapJump, j, nJ,
                            dz, dzOff + oc, outC, dw, oc, outC);
                }
                continue;
            }
            weightsPartial(x, xOff, nRows, rowPix, rowJump, pixJump, tapLen, tapJump, nJ,
                    dz, dzOff, outC, oc, Math.min(L, outC - oc), dw, 0);
        }
    }

    /**
     * Weight gradient of the channels [oc, oc + lanes), lanes <= L, through zero-padded panels;
     * weight row j of the nJ at dw[dwOff + j*outC].
     */
    static void weightsPartial(float[] x, int xOff, int nRows, int rowPix, int rowJump, int pixJump,
                               int tapLen, int tapJump, int nJ,
                               float[] dz, int dzOff, int outC, int oc, int lanes, float[] dw, int dwOff) {
        int nPix = nRows * rowPix;
        float[] dzPanel = Scratch.floats(Scratch.PANEL, nPix * L);
        packColumns(dz, dzOff, outC, nPix, oc, lanes, L, dzPanel);
        float[] dwPanel = Scratch.floats(Scratch.OUT, nJ * L);
        packColumns(dw, dwOff, outC, nJ, oc, lanes, L, dwPanel);
        for (int j = 0; j < nJ; j += TILE) {
            VectorTiles.weights7x1(x, xOff, nRows, rowPix, rowJump, pixJump, tapLen, tapJump, j, nJ,
                    dzPanel, 0, L, dwPanel, 0, L);
        }
        unpackColumns(dwPanel, L, nJ, lanes, dw, dwOff + oc, outC);
    }

    /**
     * db[c] += (sum over n pixels of dz[dzOff + p*channels + c]), the call's sum from zero and
     * then added once, as the weight tiles do. Channels past the last whole vector are summed in
     * scalar code rather than with a mask that would read past the array.
     */
    static void sumPixels(float[] dz, int dzOff, int n, int channels, float[] db) {
        int full = S.loopBound(channels), c = 0;
        // Two vectors of channels a pass: dz is read with a stride of a whole pixel, so each pass
        // brings every line of it in again (a 28x28 image of 32 channels is 100 KB, beyond L1).
        for (; c + 2 * L <= full; c += 2 * L) {
            sumPixelsPair(dz, dzOff + c, n, channels, db, c);
        }
        for (; c < full; c += L) {
            // Four interleaved sums, added pairwise at the end: shorter chains round less.
            FloatVector acc0 = FloatVector.zero(S), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            int p = 0, i = dzOff + c;
            for (; p + 4 <= n; p += 4, i += 4 * channels) {
                acc0 = acc0.add(FloatVector.fromArray(S, dz, i));
                acc1 = acc1.add(FloatVector.fromArray(S, dz, i + channels));
                acc2 = acc2.add(FloatVector.fromArray(S, dz, i + 2 * channels));
                acc3 = acc3.add(FloatVector.fromArray(S, dz, i + 3 * channels));
            }
            for (; p < n; p++, i += channels) {
                acc0 = acc0.add(FloatVector.fromArray(S, dz, i));
            }
            acc0.add(acc1).add(acc2.add(acc3)).add(FloatVector.fromArray(S, db, c)).intoArray(db, c);
        }
        for (c = full; c < channels; c++) {
            float sum = 0f;
            for (int p = 0, i = dzOff + c; p < n; p++, i += channels) {
                sum += dz[i];
            }
            db[c] += sum;
        }
    }

    /** The vector loop of {@link #sumPixels} for the two vectors from dz[from], each with its sums in the same order. */
    private static void sumPixelsPair(float[] dz, int from, int n, int channels, float[] db, int c) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        FloatVector bcc0 = acc0, bcc1 = acc0, bcc2 = acc0, bcc3 = acc0;
        int p = 0, i = from;
        for (; p + 4 <= n; p += 4, i += 4 * channels) {
            acc0 = acc0.add(FloatVector.fromArray(S, dz, i));
            bcc0 = bcc0.add(FloatVector.fromArray(S, dz, i + L));
            acc1 = acc1.add(FloatVector.fromArray(S, dz, i + channels));
            bcc1 = bcc1.add(FloatVector.fromArray(S, dz, i + channels + L));
            acc2 = acc2.add(FloatVector.fromArray(S, dz, i + 2 * channels));
            bcc2 = bcc2.add(FloatVector.fromArray(S, dz, i + 2 * channels + L));
            acc3 = acc3.add(FloatVector.fromArray(S, dz, i + 3 * channels));
            bcc3 = bcc3.add(FloatVector.fromArray(S, dz, i + 3 * channels + L));
        }
        for (; p < n; p++, i += channels) {
            acc0 = acc0.add(FloatVector.fromArray(S, dz, i));
            bcc0 = bcc0.add(FloatVector.fromArray(S, dz, i + L));
        }
        acc0.add(acc1).add(acc2.add(acc3)).add(FloatVector.fromArray(S, db, c)).intoArray(db, c);
        bcc0.add(bcc1).add(bcc2.add(bcc3)).add(FloatVector.fromArray(S, db, c + L)).intoArray(db, c + L);
    }

    /** dst[r][c] = src[off + r*stride + col + c] for c < lanes, 0 for lanes <= c < width; r < n. */
    static void packColumns(float[] src, int off, int stride, int n, int col, int lanes, int width, float[] dst) {
        packColumns(src, off, stride, n, col, lanes, width, dst, 0);
    }

    /** As above, into dst from dstOff on. */
    static void packColumns(float[] src, int off, int stride, int n, int col, int lanes, int width, float[] dst,
                            int dstOff) {
        if (lanes == 2 * L && width == 2 * L) {
            // The common case, 2 vectors a row: two loads and stores beat an arraycopy call per row.
            for (int r = 0, from = off + col, to = dstOff; r < n; r++, from += stride, to += width) {
                FloatVector.fromArray(S, src, from).intoArray(dst, to);
                FloatVector.fromArray(S, src, from + L).intoArray(dst, to + L);
            }
            return;
        }
        if (lanes == 4 * L && width == 4 * L) {
            for (int r = 0, from = off + col, to = dstOff; r < n; r++, from += stride, to += width) {
                FloatVector.fromArray(S, src, from).intoArray(dst, to);
                FloatVector.fromArray(S, src, from + L).intoArray(dst, to + L);
                FloatVector.fromArray(S, src, from + 2 * L).intoArray(dst, to + 2 * L);
                FloatVector.fromArray(S, src, from + 3 * L).intoArray(dst, to + 3 * L);
            }
            return;
        }
        for (int r = 0; r < n; r++) {
            System.arraycopy(src, off + r * stride + col, dst, dstOff + r * width, lanes);
            if (lanes < width) {
                Arrays.fill(dst, dstOff + r * width + lanes, dstOff + (r + 1) * width, 0f);
            }
        }
    }

    /** dst[c*rows + r] = m[r*cols + c]: the transpose of a row-major [rows][cols] matrix. */
    static void transpose(float[] m, int rows, int cols, float[] dst) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dst[c * rows + r] = m[r * cols + c];
            }
        }
    }

    /** dst[dstOff + r*stride + c] = src[r*width + c] for c < lanes, r < n: the inverse of packColumns. */
    static void unpackColumns(float[] src, int width, int n, int lanes, float[] dst, int dstOff, int stride) {
        for (int r = 0; r < n; r++) {
            System.arraycopy(src, r * width, dst, dstOff + r * stride, lanes);
        }
    }
}
