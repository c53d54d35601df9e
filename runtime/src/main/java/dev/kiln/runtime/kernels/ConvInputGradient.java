package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * A convolution's input gradient as a matrix product and a scatter: for a block of output pixels,
 * cols[p][tap][ic] = sum over oc of dz[p][oc] * w[tap][ic][oc], a GEMM on the forward tiles with
 * the weight transposed to [oc][tap][ic]; then each cols row is added to the input pixels its
 * window covers. Only real output pixels take part, so a VALID or strided convolution does no
 * multiply-add by padding or by the zeros a strided gradient would be spread with.
 */
final class ConvInputGradient {

    /** Floats of cols per block: kept within the core's L2 cache beside dz and the weight. */
    private static final int COLS_FLOATS = 1 << 16;

    private ConvInputGradient() {
    }

    /** packed[oc][tap][ic] = w[tap][ic][oc]: the weight as the GEMM's [outC x kh*kw*inC] operand. */
    static void pack(ConvGeometry g, float[] w, float[] packed) {
        TileLoops.transpose(w, g.kh() * g.kw() * g.inC(), g.outC(), packed);
    }

    /** dx = the input gradient of dz (overwritten), from weights packed by {@link #pack}. */
    static void backward(ConvGeometry g, float[] dz, int dzOff, float[] packed, float[] dx, int dxOff) {
        int inC = g.inC(), outC = g.outC(), n = g.kh() * g.kw() * inC;
        int nPix = g.outH() * g.outW();
        // Windows that reach into padding add into a padded copy, whose interior is dx.
        boolean padded = VectorConv.needsPadding(g);
        int hp = VectorConv.paddedHeight(g), wp = VectorConv.paddedWidth(g);
        int dstH = padded ? hp : g.inH(), dstW = padded ? wp : g.inW();
        float[] dst = padded ? Scratch.floats(Scratch.INPUT, hp * wp * inC) : dx;
        int dstOff = padded ? 0 : dxOff;
        Arrays.fill(dst, dstOff, dstOff + dstH * dstW * inC, 0f);

        int block = Math.max(TileLoops.WIDE_TILE, COLS_FLOATS / n / TileLoops.WIDE_TILE * TileLoops.WIDE_TILE);
        float[] cols = Scratch.floats(Scratch.COLS, Math.min(block, nPix) * n);
        float[] zeros = Scratch.zeros(n);
        for (int p0 = 0; p0 < nPix; p0 += block) {
            int count = Math.min(block, nPix - p0);
            TileLoops.forward(dz, dzOff + p0 * outC, Integer.MAX_VALUE, 0, outC, 1, 0, outC,
                    packed, 0, n, zeros, false, false, cols, 0, count);
            scatter(g, cols, p0, count, dst, dstOff, dstW);
        }
        if (padded) {
            // The padded copy spans the pixels windows read, which may end before the input does
            // (floor = true, or SAME with a kernel smaller than the stride on one axis): it is not
            // padTop + inH by padLeft + inW, and the last input rows and columns may lie outside it.
            // Their gradient is zero; copying inW pixels per row would read the next row instead.
            Padding.copyUnpadded(dst, hp, wp, inC, inC, g.padTop(), g.padLeft(), dx, dxOff, g.inH(), g.inW());
        }
    }

    /** Adds cols row p - p0 (output pixel p) to the kh x kw input pixels of p's window in dst. */
    private static void scatter(ConvGeometry g, float[] cols, int p0, int count, float[] dst, int dstOff, int dstW) {
        int inC = g.inC(), kh = g.kh(), kw = g.kw(), s = g.stride(), outW = g.outW();
        int full = S.loopBound(inC);
        int n = kh * kw * inC;
        for (int p = p0; p < p0 + count; p++) {
            int oh = p / outW, ow = p - oh * outW;
            int src = (p - p0) * n;
            for (int i = 0; i < kh; i++) {
                int at = dstOff + ((oh * s + i) * dstW + ow * s) * inC;
                for (int j = 0; j < kw; j++, at += inC, src += inC) {
                    int c = 0;
                    for (; c < full; c += L) {
                        FloatVector.fromArray(S, dst, at + c).add(FloatVector.fromArray(S, cols, src + c))
                                .intoArray(dst, at + c);
                    }
                    for (; c < inC; c++) {
                        dst[at + c] += cols[src + c];
                    }
                }
            }
        }
    }
}
