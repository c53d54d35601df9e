package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;
import static dev.kiln.runtime.kernels.WinogradTransforms.MAX_POSITIONS;

import jdk.incubator.vector.FloatVector;

/**
 * The input gradient of a Winograd convolution on the forward pass's own tiles, by the transpose
 * of each of its steps: the forward computes, per tile, Y = A^T [U * V] A with V = B^T d B, so
 * the gradient of the input tile d is B [U^T (A dY A^T)] B^T, summed over the output channels in
 * the transformed space and added into the input where the tiles overlap (by r - 1 pixels).
 *
 * <p>{@link WinogradConv#backwardInput} otherwise runs the input gradient as a convolution of its
 * own (dz padded by r - 1, the flipped kernel), whose output is the input: where the forward pads
 * less than r - 1 (a "valid" convolution) that one has more tiles than the forward, and its extra
 * ones read mostly the padding's zeros. keras-mnist's conv2 (13x13 to 11x11, 3x3) has 36 tiles
 * an example forward and 49 in that convolution; pytorch-mnist's (13x13 to 12x12, 2x2) 36 and 49:
 * here the GEMMs run on the forward's 36. Where the forward pads fully ("same"), both have the
 * same tiles, and the other stays ({@link WinogradConv#inputGradientInTiles}).
 *
 * <p>One example at a time, in blocks of tiles: each 2x2 tile of dz (zero past the output's
 * edge) is spread to alpha x alpha ({@link WinogradConv#gradientTile}, as for the weight
 * gradient) into D[pos][tile][outC]; the alpha^2 GEMMs E[pos] = D[pos] x U[pos]^T, [tiles x outC]
 * x [outC x inC], read the forward's transformed kernel transposed (packed by
 * {@link WinogradTransforms#kernels} with transpose and no flip); each E tile's B E B^T is added
 * into a padded copy of the input's extent, whose inner part is then dx.
 */
final class WinogradInputGradient {

    private WinogradInputGradient() {
    }

    /**
     * dx = the input gradient of g for one example (overwritten), from dz and the transposed kernel
     * at packed[uOff..] (positions x [outC padded] x [inC padded], in column panels).
     */
    static void backwardInput(ConvGeometry g, float[] dz, int dzOff, float[] packed, int uOff, float[] dx, int dxOff) {
        WinogradTransforms t = WinogradConv.transforms(g);
        int side = t.m, positions = t.positions;
        int realInC = g.inC(), realOutC = g.outC();
        int inC = WinogradConv.padded(realInC), outC = WinogradConv.padded(realOutC);
        int outH = g.outH(), outW = g.outW();
        int tilesH = (outH + side - 1) / side, tilesW = (outW + side - 1) / side, tiles = tilesH * tilesW;
        int rows = side * tilesH + t.r - 1, cols = side * tilesW + t.r - 1;
        int gradRows = side * tilesH, gradCols = side * tilesW;
        // dz is read in place when every tile is whole and its channels fill whole vectors; else from a zero-padded copy.
        boolean gradInPlace = outC == realOutC && gradRows == outH && gradCols == outW;
        float[] grad = dz;
        int gradOff = dzOff;
        if (!gradInPlace) {
            grad = Scratch.floats(Scratch.WINOGRAD_OUT, gradRows * gradCols * outC);
            WinogradConv.padInput(dz, dzOff, outH, outW, realOutC, 0, 0, gradRows, gradCols, outC, grad, 0);
            gradOff = 0;
        }
        // The input's extent as the forward's tiles read it (padding included), gradients summed over the tiles.
        float[] sums = Scratch.zeroed(Scratch.INPUT, rows * cols * inC);
        int block = WinogradConv.blockTiles(inC);
        int dStride = block * outC + WinogradConv.SKEW, eStride = block * inC + WinogradConv.SKEW;
        float[] d = Scratch.floats(Scratch.WINOGRAD_V, positions * dStride);
        float[] e = Scratch.floats(Scratch.WINOGRAD_M, positions * eStride);
        float[] tmp = Scratch.floats(Scratch.WINOGRAD_TILE, MAX_POSITIONS * L);
        for (int t0 = 0; t0 < tiles; t0 += block) {
            int count = Math.min(block, tiles - t0);
            for (int tt = 0; tt < count; tt++) {
                int at = gradOff + WinogradConv.tileCorner(t0 + tt, tilesW, side, gradCols, outC);
                for (int c = 0; c < outC; c += L) {
                    WinogradConv.gradientTile(t, grad, at + c, gradCols * outC, outC, tmp, d, tt * outC + c, dStride);
                }
            }
            // E[pos] = D[pos] x U[pos]^T over the real output channels (the padded ones are zero in D).
            VectorTiles.zeroStartProducts(positions, inC, d, 0, dStride, outC, realOutC, packed, uOff, outC * inC, outC,
                    e, 0, eStride, inC, count);
            for (int tt = 0; tt < count; tt++) {
                int at = WinogradConv.tileCorner(t0 + tt, tilesW, side, cols, inC);
                for (int c = 0; c < inC; c += L) {
                    addInputTile(t, e, tt * inC + c, eStride, tmp, sums, at + c, cols * inC, inC);
                }
            }
        }
        // Zero for an input no output reads (the forward's floor).
        Padding.copyUnpadded(sums, rows, cols, inC, realInC, g.padTop(), g.padLeft(), dx, dxOff, g.inH(), g.inW());
    }

    /**
     * One vector of channels of one tile: dst[at + a*rowStride + b*pixStride] += (B e B^T)[a][b] for
     * the alpha x alpha gradients e[eOff + pos*posStride] of its transformed input. B (the
     * transpose of B^T) runs along each row of e into tmp, then down the columns into dst; a 4x4
     * tile stays in registers ({@link #addInputTile4}).
     */
    static void addInputTile(WinogradTransforms t, float[] e, int eOff, int posStride, float[] tmp,
                             float[] dst, int at, int rowStride, int pixStride) {
        int alpha = t.alpha;
        if (alpha == 4) {
            addInputTile4(e, eOff, posStride, dst, at, rowStride, pixStride);
            return;
        }
        for (int k = 0; k < alpha; k++) {
            untransform(alpha, e, eOff + k * alpha * posStride, posStride, tmp, k * alpha * L, L, false);
        }
        for (int b = 0; b < alpha; b++) {
            untransform(alpha, tmp, b * L, alpha * L, dst, at + b * pixStride, rowStride, true);
        }
    }

    /**
     * {@link #addInputTile} of F(2x2, 3x3): B's x0, x1 - x2 + x3, x1 + x2 - x0, -x3 along each row
     * of the 16 gradients, then down each column, in registers, added to the tile's 16 pixels.
     */
    private static void addInputTile4(float[] e, int eOff, int posStride, float[] dst, int at, int rowStride, int pixStride) {
        int down = 4 * posStride;
        // Row k of e is positions 4k .. 4k + 3; s{k}{b} is B along it.
        FloatVector a0 = FloatVector.fromArray(S, e, eOff), a1 = FloatVector.fromArray(S, e, eOff + posStride),
                a2 = FloatVector.fromArray(S, e, eOff + 2 * posStride), a3 = FloatVector.fromArray(S, e, eOff + 3 * posStride);
        FloatVector s00 = a0, s01 = a1.sub(a2).add(a3), s02 = a1.add(a2).sub(a0), s03 = a3.neg();
        int row = eOff + down;
        FloatVector b0 = FloatVector.fromArray(S, e, row), b1 = FloatVector.fromArray(S, e, row + posStride),
                b2 = FloatVector.fromArray(S, e, row + 2 * posStride), b3 = FloatVector.fromArray(S, e, row + 3 * posStride);
        FloatVector s10 = b0, s11 = b1.sub(b2).add(b3), s12 = b1.add(b2).sub(b0), s13 = b3.neg();
        row += down;
        FloatVector c0 = FloatVector.fromArray(S, e, row), c1 = FloatVector.fromArray(S, e, row + posStride),
                c2 = FloatVector.fromArray(S, e, row + 2 * posStride), c3 = FloatVector.fromArray(S, e, row + 3 * posStride);
        FloatVector s20 = c0, s21 = c1.sub(c2).add(c3), s22 = c1.add(c2).sub(c0), s23 = c3.neg();
        row += down;
        FloatVector d0 = FloatVector.fromArray(S, e, row), d1 = FloatVector.fromArray(S, e, row + posStride),
                d2 = FloatVector.fromArray(S, e, row + 2 * posStride), d3 = FloatVector.fromArray(S, e, row + 3 * posStride);
        FloatVector s30 = d0, s31 = d1.sub(d2).add(d3), s32 = d1.add(d2).sub(d0), s33 = d3.neg();
        // Down column b: x0, x1 - x2 + x3, x1 + x2 - x0, -x3 of s0b .. s3b, added to the pixels (a, b).
        // Written out: vectors passed to a method C2 does not inline would be boxed.
        int pixel;
        pixel = at;
        FloatVector.fromArray(S, dst, pixel).add(s00).intoArray(dst, pixel);
        FloatVector.fromArray(S, dst, pixel + rowStride).add(s10.sub(s20).add(s30)).intoArray(dst, pixel + rowStride);
        FloatVector.fromArray(S, dst, pixel + 2 * rowStride).add(s10.add(s20).sub(s00)).intoArray(dst, pixel + 2 * rowStride);
        FloatVector.fromArray(S, dst, pixel + 3 * rowStride).sub(s30).intoArray(dst, pixel + 3 * rowStride);
        pixel = at + pixStride;
        FloatVector.fromArray(S, dst, pixel).add(s01).intoArray(dst, pixel);
        FloatVector.fromArray(S, dst, pixel + rowStride).add(s11.sub(s21).add(s31)).intoArray(dst, pixel + rowStride);
        FloatVector.fromArray(S, dst, pixel + 2 * rowStride).add(s11.add(s21).sub(s01)).intoArray(dst, pixel + 2 * rowStride);
        FloatVector.fromArray(S, dst, pixel + 3 * rowStride).sub(s31).intoArray(dst, pixel + 3 * rowStride);
        pixel = at + 2 * pixStride;
        FloatVector.fromArray(S, dst, pixel).add(s02).intoArray(dst, pixel);
        FloatVector.fromArray(S, dst, pixel + rowStride).add(s12.sub(s22).add(s32)).intoArray(dst, pixel + rowStride);
        FloatVector.fromArray(S, dst, pixel + 2 * rowStride).add(s12.add(s22).sub(s02)).intoArray(dst, pixel + 2 * rowStride);
        FloatVector.fromArray(S, dst, pixel + 3 * rowStride).sub(s32).intoArray(dst, pixel + 3 * rowStride);
        pixel = at + 3 * pixStride;
        FloatVector.fromArray(S, dst, pixel).add(s03).intoArray(dst, pixel);
        FloatVector.fromArray(S, dst, pixel + rowStride).add(s13.sub(s23).add(s33)).intoArray(dst, pixel + rowStride);
        FloatVector.fromArray(S, dst, pixel + 2 * rowStride).add(s13.add(s23).sub(s03)).intoArray(dst, pixel + 2 * rowStride);
        FloatVector.fromArray(S, dst, pixel + 3 * rowStride).sub(s33).intoArray(dst, pixel + 3 * rowStride);
    }

    /**
     * out[outOff + l*outStride] (+)= (B x)[l], l < alpha, for the vectors x[k] = in[inOff + k*inStride]:
     * B^T's columns (the transpose of the forward's {@code transformInput}), added to what out
     * holds with {@code add}, else stored.
     */
    private static void untransform(int alpha, float[] in, int inOff, int inStride, float[] out, int outOff, int outStride,
                                    boolean add) {
        if (alpha == 6) {
            untransform6(in, inOff, inStride, out, outOff, outStride, add);
        } else {
            untransform3(in, inOff, inStride, out, outOff, outStride, add);
        }
    }

    /**
     * {@link #untransform} of F(2x2, 5x5): x0, x5 - q - q', -5 x0 - p - 2p', 4q + q' - 5 x5,
     * 4 x0 + 4p + 2p', 4 x5, with p, q = x1 +- x2 and p', q' = x3 +- x4 (the pairs of points +-1
     * and +-1/2 of B^T's rows).
     */
    private static void untransform6(float[] in, int inOff, int inStride, float[] out, int outOff, int outStride,
                                     boolean add) {
        FloatVector x0 = FloatVector.fromArray(S, in, inOff), x1 = FloatVector.fromArray(S, in, inOff + inStride),
                x2 = FloatVector.fromArray(S, in, inOff + 2 * inStride), x3 = FloatVector.fromArray(S, in, inOff + 3 * inStride),
                x4 = FloatVector.fromArray(S, in, inOff + 4 * inStride), x5 = FloatVector.fromArray(S, in, inOff + 5 * inStride);
        FloatVector p = x1.add(x2), q = x1.sub(x2), pHalf = x3.add(x4), qHalf = x3.sub(x4);
        FloatVector y0 = x0;
        FloatVector y1 = x5.sub(q).sub(qHalf);
        FloatVector y2 = x0.mul(-5f).sub(p).sub(pHalf.mul(2f));
        FloatVector y3 = q.mul(4f).add(qHalf).sub(x5.mul(5f));
        FloatVector y4 = x0.add(p).mul(4f).add(pHalf.mul(2f));
        FloatVector y5 = x5.mul(4f);
        if (add) {
            y0 = y0.add(FloatVector.fromArray(S, out, outOff));
            y1 = y1.add(FloatVector.fromArray(S, out, outOff + outStride));
            y2 = y2.add(FloatVector.fromArray(S, out, outOff + 2 * outStride));
            y3 = y3.add(FloatVector.fromArray(S, out, outOff + 3 * outStride));
            y4 = y4.add(FloatVector.fromArray(S, out, outOff + 4 * outStride));
            y5 = y5.add(FloatVector.fromArray(S, out, outOff + 5 * outStride));
        }
        y0.intoArray(out, outOff);
        y1.intoArray(out, outOff + outStride);
        y2.intoArray(out, outOff + 2 * outStride);
        y3.intoArray(out, outOff + 3 * outStride);
        y4.intoArray(out, outOff + 4 * outStride);
        y5.intoArray(out, outOff + 5 * outStride);
    }

    /** {@link #untransform} of F(2x2, 2x2): x0, x1 - x0 - x2, x2. */
    private static void untransform3(float[] in, int inOff, int inStride, float[] out, int outOff, int outStride,
                                     boolean add) {
        FloatVector x0 = FloatVector.fromArray(S, in, inOff), x1 = FloatVector.fromArray(S, in, inOff + inStride),
                x2 = FloatVector.fromArray(S, in, inOff + 2 * inStride);
        FloatVector y0 = x0, y1 = x1.sub(x0).sub(x2), y2 = x2;
        if (add) {
            y0 = y0.add(FloatVector.fromArray(S, out, outOff));
            y1 = y1.add(FloatVector.fromArray(S, out, outOff + outStride));
            y2 = y2.add(FloatVector.fromArray(S, out, outOff + 2 * outStride));
        }
        y0.intoArray(out, outOff);
        y1.intoArray(out, outOff + outStride);
        y2.intoArray(out, outOff + 2 * outStride);
    }
}
