package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import dev.kiln.dsl.Activation;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Dense layers on the Vector API. A dense layer is a 1x1 convolution over the rows of the batch,
 * so it runs on the same tiles as {@link VectorConv}, with two changes for the large matrices:
 * <ul>
 * <li>The columns a tile reads are first packed into a contiguous panel. Rows of a [in][out]
 * matrix with out = 1024 lie 4 KB apart, so a column block of them all falls into the same
 * L1 cache sets and evicts itself; packed, it stays in cache while every row tile reuses it.
 * <li>The input depth is cut into blocks of {@value #K_BLOCK}, so a panel (256 x 32 floats, 32 KB)
 * fits in L1/L2.
 * </ul>
 * A partial vector of outputs (10 classes) runs in zero-padded panels, as in {@link TileLoops}.
 */
final class VectorDense {

    static final int K_BLOCK = 256;
    /** Up to this many rows the forward pass streams the weights once instead of tiling rows. */
    static final int STREAM_ROWS = 2;
    /** Up to this many outputs, the input gradient uses a transposed copy of w rather than dot products. */
    static final int TRANSPOSE_OUT = 4 * L;

    private VectorDense() {
    }

    static void forward(int rows, int in, int out, Activation act, float[] x, int xOff, float[] w, float[] b,
                        float[] y, int yOff) {
        if (rows <= STREAM_ROWS) {
            for (int r = 0; r < rows; r++) {
                streamRow(in, out, x, xOff + r * in, w, b, y, yOff + r * out);
            }
        } else {
            int oc = 0;
            for (; oc + 2 * L <= out; oc += 2 * L) {
                forwardWide(rows, in, out, x, xOff, w, b, y, yOff, oc);
            }
            for (; oc < out; oc += L) {
                forwardPartial(rows, in, out, x, xOff, w, b, y, yOff, oc, Math.min(L, out - oc));
            }
        }
        VectorActivations.apply(act, y, yOff, rows * out);
    }

    /** Output columns [oc, oc + 2L) of every row, from packed panels of w. */
    private static void forwardWide(int rows, int in, int out, float[] x, int xOff, float[] w, float[] b,
                                    float[] y, int yOff, int oc) {
        float[] panel = Scratch.floats(Scratch.WEIGHTS, K_BLOCK * 2 * L);
        for (int k = 0; k < in; k += K_BLOCK) {
            int depth = Math.min(K_BLOCK, in - k);
            TileLoops.packColumns(w, k * out, out, depth, oc, 2 * L, 2 * L, panel);
            for (int p = 0; p < rows; p += TileLoops.WIDE_TILE) {
                VectorTiles.forwardNx2(x, xOff + k, Integer.MAX_VALUE, 0, in, depth,
                        panel, 0, 2 * L, b, oc, k > 0, false, y, yOff + oc, out, p, rows);
            }
        }
    }

    /** Output columns [oc, oc + lanes), lanes <= L, in zero-padded panels (see {@link TileLoops}). */
    private static void forwardPartial(int rows, int in, int out, float[] x, int xOff, float[] w, float[] b,
                                       float[] y, int yOff, int oc, int lanes) {
        float[] panel = Scratch.floats(Scratch.WEIGHTS, K_BLOCK * L);
        float[] result = Scratch.floats(Scratch.OUT, rows * L);
        float[] bias = TileLoops.paddedBias(b, oc, lanes, false);
        for (int k = 0; k < in; k += K_BLOCK) {
            int depth = Math.min(K_BLOCK, in - k);
            TileLoops.packColumns(w, k * out, out, depth, oc, lanes, L, panel);
            for (int p = 0; p < rows; p += TileLoops.TILE) {
                VectorTiles.forward7x1(x, xOff + k, Integer.MAX_VALUE, 0, in, 1, 0, depth,
                        panel, 0, L, bias, 0, k > 0, false, result, 0, L, p, rows);
            }
        }
        TileLoops.unpackColumns(result, L, rows, lanes, y, yOff + oc, out);
    }

    /**
     * One row: y = b + sum over k of x[k] * w[k][:], walking w once in memory order. With so few
     * rows the layer is bound by reading w, so the order that streams it wins over tiling. The
     * depth is summed in blocks of {@link #K_BLOCK} as the tiles sum it (the first from the bias,
     * each later one from zero, then added), so a row gives the same bits on either path.
     */
    private static void streamRow(int in, int out, float[] x, int xAt, float[] w, float[] b, float[] y, int yAt) {
        float[] block = Scratch.floats(Scratch.OUT, out);
        for (int k0 = 0; k0 < in; k0 += K_BLOCK) {
            if (k0 == 0) {
                System.arraycopy(b, 0, y, yAt, out);
                streamBlock(0, Math.min(K_BLOCK, in), out, x, xAt, w, y, yAt);
            } else {
                Arrays.fill(block, 0, out, 0f);
                streamBlock(k0, Math.min(k0 + K_BLOCK, in), out, x, xAt, w, block, 0);
                ScalarKernels.addInto(block, out, y, yAt);
            }
        }
    }

    /** acc[at..at+out) += x[k] * w[k][:] for k in [from, to), fused as the tiles do. */
    private static void streamBlock(int from, int to, int out, float[] x, int xAt, float[] w, float[] acc, int at) {
        int full = S.loopBound(out);
        for (int k = from; k < to; k++) {
            float xv = x[xAt + k];
            FloatVector xb = FloatVector.broadcast(S, xv);
            int wRow = k * out;
            int o = 0;
            for (; o < full; o += L) {
                xb.fma(FloatVector.fromArray(S, w, wRow + o), FloatVector.fromArray(S, acc, at + o)).intoArray(acc, at + o);
            }
            for (; o < out; o++) {
                acc[at + o] = Math.fma(xv, w[wRow + o], acc[at + o]);   // fused like the lanes, and the tiles
            }
        }
    }

    static void backwardInput(int rows, int in, int out, float[] dz, int dzOff, float[] w, float[] dx, int dxOff) {
        if (out <= TRANSPOSE_OUT) {
            // Few outputs: each dot product would be one or two vectors and a slow reduction, so
            // transpose w (in*out floats, cheap when out is small) and run the forward tiles with
            // the inputs as lanes: dx[r][i] = sum over o of dz[r][o] * wT[o][i].
            float[] wT = Scratch.floats(Scratch.WEIGHTS, in * out);
            TileLoops.transpose(w, in, out, wT);
            TileLoops.forward(dz, dzOff, Integer.MAX_VALUE, 0, out, 1, 0, out, wT, 0, in, Scratch.zeros(in), false, false,
                    dx, dxOff, rows);
        } else {
            TileLoops.dots(dz, dzOff, Integer.MAX_VALUE, 0, out, 1, 1, 0, 0, w, 0, 0, out, in, dx, dxOff, rows);
        }
    }

    static void backwardWeights(int rows, int in, int out, float[] x, int xOff, float[] dz, int dzOff,
                                float[] dw, float[] db) {
        int whole = out / (2 * L) * (2 * L);            // outputs in whole panels of 2L
        if (whole > 0) {
            // Every whole panel of dz first, panel p (outputs [p*2L, (p+1)*2L) of each row) at p*rows*2L.
            float[] panels = Scratch.floats(Scratch.WEIGHTS, rows * whole);
            for (int oc = 0; oc < whole; oc += 2 * L) {
                TileLoops.packColumns(dz, dzOff, out, rows, oc, 2 * L, 2 * L, panels, oc * rows);
            }
            // Then WIDE_WEIGHT_TILE weight rows at a time, every panel against them: those rows' x (a cache line
            // per example) stays in L1 while the panels stream from L2, and x is read once a call.
            // Panel by panel, x (800 KB for fc1 at 64 examples) was read again for every panel.
            for (int j = 0; j < in; j += TileLoops.WIDE_WEIGHT_TILE) {
                for (int oc = 0; oc < whole; oc += 2 * L) {
                    VectorTiles.weightsNx2(x, xOff, 1, rows, 0, in, in, 0, j, in, panels, oc * rows, 2 * L, dw, oc, out);
                }
            }
        }
        for (int oc = whole; oc < out; oc += L) {
            TileLoops.weightsPartial(x, xOff, 1, rows, 0, in, in, 0, in, dz, dzOff, out, oc, Math.min(L, out - oc), dw);
        }
        TileLoops.sumPixels(dz, dzOff, rows, out, db);
    }
}
