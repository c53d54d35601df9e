package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import dev.kiln.dsl.Activation;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Dense layers on the Vector API, on w as it is (packed per call, where {@link PackedDense} works
 * on weights packed once per update). A dense layer is a 1x1 convolution over the rows of the
 * batch, so it runs on the tiles of {@link VectorTiles}, with two changes for the large matrices:
 * <ul>
 * <li>The columns a tile reads are first packed into a contiguous panel. Rows of a [in][out]
 * matrix with out = 1024 lie 4 KB apart, so a column block of them all falls into the same
 * L1 cache sets and evicts itself; packed, it stays in cache while every row tile reuses it, and
 * the forward tiles ({@link VectorTiles#panelRowsNx2}) read it at a constant stride. (The
 * weight-gradient and input-gradient panels are cut as {@link VectorTiles#panelWidth} cuts them,
 * four vectors wide where the registers allow.)
 * <li>The input depth is cut into blocks of {@value #K_BLOCK}, so a panel (256 x 32 floats, 32 KB)
 * fits in L1/L2.
 * </ul>
 * A partial vector of outputs (10 classes) runs in zero-padded panels, as in {@link TileLoops}.
 */
final class VectorDense {

    /**
     * The depth of a block of the products' sums: each block sums from zero, then adds to the
     * stored sum, which keeps the rounding of long depths down. Blocks of 1024 ran tf-mnist's fc1
     * forward 4-8% faster (Zen 5, both in one JVM in turns; a call's set-up and its stored sum
     * cost less often), but made the logits' bias gradients of keras-mnist and pytorch-mnist 2.6x
     * and 3.3x PyTorch float32's error against float64 instead of 0.8x and 1.2x
     * (tools/gradient_accuracy.py). Reading 1024 of depth per row tile in blocks of 256, the same
     * sums, ran no faster than this.
     */
    static final int K_BLOCK = 256;
    /** Up to this many rows the forward pass streams the weights once instead of tiling rows. */
    static final int STREAM_ROWS = 2;
    /**
     * Rows of the batch a weight gradient sums in one chain before adding the chain to the rest
     * (larger batches). A batch of 64 in one chain left tf-mnist's fc1 weight gradient 3% further
     * from float64 than two chains of 32 added (2.98e-7 against 2.90e-7, PyTorch float32 2.09e-7:
     * 1.42x against 1.39x, tools/gradient_accuracy.py), but each chain is a call of the tiles
     * whose sums the next call reads back from dw: with chains of 32 that weight gradient, written,
     * ran at 58% of the peak against 78% (Zen 5, `kiln kernels`, one JVM each).
     */
    static final int SUM_ROWS = 64;
    /** Weight rows (or inputs) of the dense gradients' blocks. */
    private static final int ROW_BLOCK = VectorTiles.ROW_BLOCK;
    /** Up to this many outputs, the input gradient runs on a packed w^T made per call. */
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
            float[] start = k == 0 ? b : Scratch.zeros(2 * L);
            for (int p = 0; p < rows; p += TileLoops.WIDE_TILE) {
                VectorTiles.panelRowsNx2(1, 0, 0, 0, x, xOff + k, in, depth, panel, 0, start, k == 0 ? oc : 0, k > 0,
                        y, yOff + oc, out, p, rows);
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
            float[] start = k == 0 ? bias : Scratch.zeros(L);
            for (int p = 0; p < rows; p += TileLoops.TILE) {
                VectorTiles.panelRows7x1(1, 0, 0, 0, x, xOff + k, in, depth, panel, 0, start, 0, k > 0, result, 0, L, p, rows);
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

    /**
     * dx = dz . w^T, computed as its transpose w . dz^T on the forward tiles: the rows of w, read in
     * place, are the broadcast operand, and dz^T is packed into panels of rows of the batch, cut by
     * {@link VectorTiles#panelWidth} (rows x out floats, against in x out multiply-adds each). The depth (the outputs) runs in
     * blocks of {@link #K_BLOCK}, the first from zero and each later one added, each in order with
     * fused multiply-adds, so every dx[r][i] has the same bits whatever the row count or thread split.
     *
     * <p>This needs no copy of w per update. It replaced a packed copy of w^T, made after every
     * update, whose product had the same bits; on tf-mnist's fc1 (3136 x 1024, 64 rows; {@code
     * ./kiln kernels}, three interleaved runs on AVX2 Zen 3) that product took 6.6-8.6 ms, its
     * variant that skipped the zeros of dz (three quarters of them under ReLU and dropout 0.5)
     * 7.4-8.5 ms, and packing both copies 7.2-9.1 ms; here the product takes 6.0-6.9 ms and packing
     * the forward's copy alone 1.9-3.8 ms.
     */
    static void backwardInput(int rows, int in, int out, float[] dz, int dzOff, float[] w, float[] dx, int dxOff) {
        if (out <= TRANSPOSE_OUT) {
            // Few outputs: the tiles below would run a depth of a few steps per call and copy as
            // many floats as they multiply (tf-mnist's logits, 1024 -> 10: 151 µs against 52 on a
            // packed w^T). So pack w^T here, in * out floats, into the panels of the forward's
            // product, which then runs with the inputs as lanes: dx[r][i] = sum over o of dz[r][o] * wT[o][i].
            float[] wT = Scratch.floats(Scratch.WEIGHTS, in * out);
            TileLoops.transpose(w, in, out, wT);
            PackedDense.productOnce(rows, out, in, dz, dzOff, wT, Scratch.zeros(in), dx, dxOff);
            return;
        }
        // dz^T in panels of batch rows cut by VectorTiles.panelWidth, the rows padded to whole pairs
        // of vectors: the panel of rows [q, q + pw) at q*out, its row o at q*out + o*pw.
        int width = (rows + 2 * L - 1) / (2 * L) * (2 * L);
        float[] dzT = Scratch.floats(Scratch.PANEL, width * out);
        packTransposedRows(rows, out, dz, dzOff, dzT, width);
        float[] tile = Scratch.floats(Scratch.OUT, ROW_BLOCK * width);
        float[] zeros = Scratch.zeros(4 * L);
        // With at most a depth block of outputs, each weight row is at most 1 KB, and the tiles read
        // a block's rows side by side, a few cache lines of each: streams too short for the
        // hardware prefetcher once the weights have left the cache, as they have in a training
        // step. One sequential copy of the block first: with the weights cold, tf-16-36's fc1
        // (1764 -> 128, 32 rows) ran at 81-92 GFLOP/s against 61-73 in place, emotion's (9216 ->
        // 256) 113 against 93; with longer rows (lenet-like's 625, tf-mnist's 1024) the copy was
        // slower (a probe of both, Zen 5). The same values in the same order: the same bits.
        boolean copy = out <= K_BLOCK;
        float[] weights = copy ? Scratch.floats(Scratch.WEIGHTS, ROW_BLOCK * out) : w;
        for (int i0 = 0; i0 < in; i0 += ROW_BLOCK) {
            // Rows [i0, i0 + n) of dx^T into the tile (the tile's row i - i0 at (i - i0) * width).
            int n = Math.min(ROW_BLOCK, in - i0);
            int wOff = i0 * out;
            if (copy) {
                System.arraycopy(w, wOff, weights, 0, n * out);
                wOff = 0;
            }
            for (int q = 0, pw; q < width; q += pw) {
                pw = VectorTiles.panelWidth(q, width);
                for (int k = 0; k < out; k += K_BLOCK) {
                    VectorTiles.panelColumns(pw, weights, wOff + k, out, Math.min(K_BLOCK, out - k), dzT, q * out + k * pw,
                            zeros, 0, k > 0, tile, q, width, n);
                }
            }
            // Row by row of dx, so each writes its n inputs side by side (a dense layer with
            // few outputs copies about as many floats as it multiplies).
            for (int r = 0; r < rows; r++) {
                for (int j = 0, at = dxOff + r * in + i0; j < n; j++) {
                    dx[at + j] = tile[j * width + r];
                }
            }
        }
    }

    /**
     * dz^T in the panels of {@link #backwardInput}: dzT[q*out + o*pw + j] = dz[q + j][o] for the
     * panel of rows [q, q + pw), pw its width; rows past the last up to paddedRows zero.
     */
    private static void packTransposedRows(int rows, int out, float[] dz, int dzOff, float[] dzT, int paddedRows) {
        for (int r = 0; r < paddedRows; r++) {
            int q = VectorTiles.panelStart(r, paddedRows), pw = VectorTiles.panelWidth(q, paddedRows);
            int at = q * out + (r - q);
            if (r >= rows) {
                for (int o = 0; o < out; o++, at += pw) {
                    dzT[at] = 0f;
                }
                continue;
            }
            for (int o = 0, src = dzOff + r * out; o < out; o++, at += pw) {
                dzT[at] = dz[src + o];
            }
        }
    }

    /**
     * dw[i][o] += sum over rows r of x[r][i] * dz[r][o] (= when not accumulate) for the weight rows
     * from <= i < to. Each row's sum runs over the batch in chains of {@link #SUM_ROWS} rows, each
     * from zero and added to the last ones', and the sum is then added to dw once (or stored). A
     * row's bits do not depend on the range it is computed in, nor on the kernel that computes it.
     *
     * <p>Whole pairs of vectors of outputs run on the forward's tiles ({@link
     * VectorTiles#panelColumns}): x^T (weight rows by batch rows) as their rows, dz packed in the
     * panels of {@link VectorTiles#panelWidth} as their panels, both read at constant strides. A
     * block of {@link VectorTiles#ROW_BLOCK} weight rows of x^T (of {@link #writtenRowBlock} when
     * the tiles write dw) stays in L1 while the tiles go through every panel. The two-vector tile
     * (AVX2's 6 rows) does 12 multiply-adds per 2 loads and 6 broadcasts, where the one-vector
     * {@link VectorTiles#packedRows8} below does 8 per 9 loads: on tf-mnist's fc1 (64 x 3136 x 1024,
     * AVX2 Zen 3, a probe of the two in turns, same bits) the whole gradient took 9.3-12.4 ms
     * against 12.1-16.0, and half its rows, a worker's share on 2 threads, 5.6-6.5 ms against
     * 5.9-8.0. A last single vector of outputs runs on packedRows8 (x^T in runs of 8 weight rows,
     * dz in panels one vector wide), and a last partial one on the general tile.
     */
    static void backwardWeightRows(int rows, int in, int out, float[] x, int xOff, float[] dz, int dzOff,
                                   float[] dw, int from, int to, boolean accumulate) {
        float[] panels = Scratch.floats(Scratch.WEIGHTS, panelsSize(rows, out));
        packOutputGradient(rows, out, dz, dzOff, panels);
        weightRows(rows, in, out, x, xOff, panels, dz, dzOff, dw, from * out, from, to, accumulate);
    }

    /** Floats of the buffer {@link #prepareWeightBlocks} fills: dz's panels, then dz itself. */
    static int weightBlockInputSize(int rows, int out) {
        return panelsSize(rows, out) + rows * out;
    }

    /** dz laid out once for every {@link #backwardWeightBlock} of the batch: its panels, then a copy of it (for a partial last vector). */
    static void prepareWeightBlocks(int rows, int out, float[] dz, int dzOff, float[] prepared) {
        packOutputGradient(rows, out, dz, dzOff, prepared);
        System.arraycopy(dz, dzOff, prepared, panelsSize(rows, out), rows * out);
    }

    /**
     * The weight rows [from, to) of the written {@link #backwardWeightRows} into dst, row i at
     * dstOff + (i - from) * out, from dz as {@link #prepareWeightBlocks} laid it out: the same tiles
     * on the same panels, so the same bits.
     */
    static void backwardWeightBlock(int rows, int in, int out, float[] x, int xOff, float[] prepared, float[] dst,
                                    int dstOff, int from, int to) {
        weightRows(rows, in, out, x, xOff, prepared, prepared, panelsSize(rows, out), dst, dstOff, from, to, false);
    }

    /**
     * Rows of the weight block {@link #backwardWeightBlock} computes best at: the written gradient's
     * row block ({@link #writtenRowBlock}), so that no block ends in a short tile.
     */
    static int weightBlockRows(int out) {
        return writtenRowBlock(pairedVectors(out));
    }

    /** Outputs in whole vectors. */
    private static int wholeVectors(int out) {
        return out / L * L;
    }

    /** Outputs in whole pairs of vectors: the panels of two or more vectors. */
    private static int pairedVectors(int out) {
        return out / (2 * L) * (2 * L);
    }

    /** Floats of dz's panels ({@link #packOutputGradient}) for a batch of rows: its whole vectors of outputs. */
    private static int panelsSize(int rows, int out) {
        return rows * wholeVectors(out);
    }

    /**
     * dz's whole vectors of outputs in the panels the weight gradient's tiles read: the pairs of
     * vectors [0, paired) cut by {@link VectorTiles#panelWidth}, the panel of outputs [oc, oc + pw)
     * at oc*rows, then a last single vector [paired, whole) the same way, one vector wide.
     */
    private static void packOutputGradient(int rows, int out, float[] dz, int dzOff, float[] panels) {
        int paired = pairedVectors(out), whole = wholeVectors(out);
        for (int oc = 0, pw; oc < paired; oc += pw) {
            pw = VectorTiles.panelWidth(oc, paired);
            TileLoops.packColumns(dz, dzOff, out, rows, oc, pw, pw, panels, oc * rows);
        }
        for (int oc = paired; oc < whole; oc += L) {
            TileLoops.packColumns(dz, dzOff, out, rows, oc, L, L, panels, oc * rows);
        }
    }

    /**
     * {@link #backwardWeightRows} from dz's panels (and dz itself for a partial last vector), weight
     * row i at dst[dstBase + (i - from) * out].
     */
    private static void weightRows(int rows, int in, int out, float[] x, int xOff, float[] panels, float[] dz,
                                   int dzOff, float[] dst, int dstBase, int from, int to, boolean accumulate) {
        int paired = pairedVectors(out);
        int whole = wholeVectors(out);
        if (paired > 0) {
            weightRowsInPanels(rows, in, out, paired, x, xOff, panels, dst, dstBase, from, to, accumulate);
        }
        if (whole > paired) {
            weightRowsInRuns(rows, in, out, paired, whole, x, xOff, panels, dst, dstBase, from, to, accumulate);
        }
        for (int oc = whole; oc < out; oc += L) {
            if (!accumulate) {
                for (int i = 0; i < to - from; i++) {       // the partial tile adds: from zero, it writes
                    Arrays.fill(dst, dstBase + i * out + oc, dstBase + i * out + out, 0f);
                }
            }
            TileLoops.weightsPartial(x, xOff + from, 1, rows, 0, in, in, 0, to - from, dz, dzOff, out, oc, out - oc,
                    dst, dstBase);
        }
    }

    /** The outputs [0, paired), whole pairs of vectors, of {@link #weightRows}, on the forward's tiles. */
    private static void weightRowsInPanels(int rows, int in, int out, int paired, float[] x, int xOff, float[] panels,
                                           float[] dw, int dstBase, int from, int to, boolean accumulate) {
        // x^T for the weight rows [from, to): weight row i's batch of inputs at (i - from) * rows.
        // In blocks of 16 weight rows, so that each block's lines of x^T fill while they stay in L1:
        // row by row of x, every store went to a line of its own (3% of fc1's weight gradient).
        float[] xT = Scratch.floats(Scratch.PANEL, (to - from) * rows);
        for (int i0 = from; i0 < to; i0 += 16) {
            int i1 = Math.min(i0 + 16, to);
            for (int r = 0; r < rows; r++) {
                for (int i = i0, src = xOff + r * in + i0, dst = (i0 - from) * rows + r; i < i1; i++, src++, dst += rows) {
                    xT[dst] = x[src];
                }
            }
        }
        float[] zeros = Scratch.zeros(4 * L);
        // Written, the chains go straight to dw. Added, they go to a block of ROW_BLOCK rows, added
        // to dw once: dw is read once, and gets dw + (the chains' sum) as from the kernel below.
        float[] block = accumulate ? Scratch.floats(Scratch.OUT, ROW_BLOCK * paired) : dw;
        int rowBlock = accumulate ? ROW_BLOCK : writtenRowBlock(paired);
        for (int i0 = from; i0 < to; i0 += rowBlock) {
            int n = Math.min(rowBlock, to - i0);
            int cOff = accumulate ? 0 : dstBase + (i0 - from) * out, cStride = accumulate ? paired : out;
            for (int oc = 0, pw; oc < paired; oc += pw) {
                pw = VectorTiles.panelWidth(oc, paired);
                for (int r0 = 0; r0 < rows; r0 += SUM_ROWS) {
                    VectorTiles.panelColumns(pw, xT, (i0 - from) * rows + r0, rows, Math.min(SUM_ROWS, rows - r0),
                            panels, oc * rows + r0 * pw, zeros, 0, r0 > 0, block, cOff + oc, cStride, n);
                }
            }
            if (accumulate) {
                addBlock(block, n, paired, dw, dstBase + (i0 - from) * out, out);
            }
        }
    }

    /**
     * Weight rows of a block of the written weight gradient, whose tiles store straight into dw:
     * two tiles' rows where every panel is the widest (four vectors, 6-row tiles), else the panel
     * tiles' common {@link #ROW_BLOCK}. The panels run left to right within a block, so each of its
     * rows of dw is written end to end, the block's rows side by side, a stream of stores each:
     * on tf-mnist's fc1 (3136 x 1024, AVX-512 Zen 4, `kiln kernels` in turns) blocks of 42 rows
     * (42 streams to cold lines at once) ran at 62% of the peak, of 24 at 63%, of 12 at 74% and of
     * 6 at 73-75%. The price: each block reads dz's panels again (from L2 for its first tile),
     * every 12 rows instead of every 42. With 16 registers the common block is already two 6-row
     * tiles. A row's sums do not depend on its block: the same bits.
     */
    private static int writtenRowBlock(int paired) {
        return VectorTiles.QUAD_PANELS && paired % VectorTiles.WIDEST_PANEL == 0 ? 2 * VectorTiles.QUAD_ROWS : ROW_BLOCK;
    }

    /** dw[at + j*stride + c] += block[j*width + c] for the rows j < n and columns c < width, a multiple of L. */
    private static void addBlock(float[] block, int n, int width, float[] dw, int at, int stride) {
        for (int j = 0; j < n; j++) {
            for (int c = 0, row = at + j * stride, from = j * width; c < width; c += L) {
                FloatVector.fromArray(S, block, from + c).add(FloatVector.fromArray(S, dw, row + c)).intoArray(dw, row + c);
            }
        }
    }

    /** The outputs [fromColumn, toColumn), whole vectors, of {@link #weightRows}, on {@link VectorTiles#packedRows8}. */
    private static void weightRowsInRuns(int rows, int in, int out, int fromColumn, int toColumn, float[] x, int xOff,
                                         float[] panels, float[] dw, int dstBase, int from, int to, boolean accumulate) {
        int width = toColumn - fromColumn;
        int runRows = VectorTiles.PACKED_ROWS;
        float[] runs = Scratch.floats(Scratch.PANEL, rows * runRows);
        for (int i0 = from; i0 < to; i0 += runRows) {
            int n = Math.min(runRows, to - i0);
            packRun(x, xOff, in, rows, i0, n, runRows, runs);
            // The run's sums go to a zeroed block, vector column v's 8 rows at v*8*L, and only
            // its n real rows are then added to dw: the last run, of fewer than 8 weight rows,
            // needs no case of its own.
            float[] sums = Scratch.zeroed(Scratch.OUT, runRows * width);
            for (int oc = 0; oc < width; oc += L) {
                for (int r0 = 0; r0 < rows; r0 += SUM_ROWS) {     // each chain's sum added to the last ones'
                    VectorTiles.packedRows8(runs, r0 * runRows, runRows, panels, (fromColumn + oc) * rows + r0 * L, Math.min(SUM_ROWS, rows - r0),
                            sums, oc * runRows, L);
                }
            }
            addRuns(sums, n, width, dw, dstBase + (i0 - from) * out + fromColumn, out, accumulate);
        }
    }

    /**
     * db[o] += sum over rows r of dz[r][o], summed in double and rounded to float once. A dense
     * layer's bias gradient sums terms that largely cancel (for the last layer, softmax minus the
     * one-hot label, over the batch), so a float rounding of a partial sum is large beside the
     * result. On tf-mnist's first step (tools/gradient_accuracy.py) the error against float64 fell
     * from 1.02e-7 to 9.1e-8 for fc1.bias and from 4.8e-8 to 4.2e-8 for logits.bias. It costs
     * rows * out additions, next to rows * in * out multiply-adds. Eight outputs at a time, each
     * its own chain in row order (the same sums as one output at a time): one chain at a time
     * waited on each add's latency and read a new line of dz for every add, 5% of tf-mnist's fc1
     * weight gradient under perf.
     */
    static void addRowSums(float[] dz, int dzOff, int rows, int out, float[] db) {
        int o = 0;
        for (; o + 8 <= out; o += 8) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (int r = 0, at = dzOff + o; r < rows; r++, at += out) {
                s0 += dz[at]; s1 += dz[at + 1]; s2 += dz[at + 2]; s3 += dz[at + 3];
                s4 += dz[at + 4]; s5 += dz[at + 5]; s6 += dz[at + 6]; s7 += dz[at + 7];
            }
            db[o] = (float) (db[o] + s0); db[o + 1] = (float) (db[o + 1] + s1);
            db[o + 2] = (float) (db[o + 2] + s2); db[o + 3] = (float) (db[o + 3] + s3);
            db[o + 4] = (float) (db[o + 4] + s4); db[o + 5] = (float) (db[o + 5] + s5);
            db[o + 6] = (float) (db[o + 6] + s6); db[o + 7] = (float) (db[o + 7] + s7);
        }
        for (; o < out; o++) {
            double sum = 0;
            for (int r = 0, at = dzOff + o; r < rows; r++, at += out) {
                sum += dz[at];
            }
            db[o] = (float) (db[o] + sum);
        }
    }

    /** dw[at + j*stride + c] += (or =) sums[(c / L)*8*L + j*L + c % L] for the rows j < n and columns c < width. */
    private static void addRuns(float[] sums, int n, int width, float[] dw, int at, int stride, boolean accumulate) {
        int runRows = VectorTiles.PACKED_ROWS;
        for (int j = 0; j < n; j++) {
            for (int c = 0, row = at + j * stride, from = j * L; c < width; c += L, from += runRows * L) {
                // Two stores, not one of a vector chosen by a condition: C2 boxes such a merge.
                if (accumulate) {
                    FloatVector.fromArray(S, sums, from).add(FloatVector.fromArray(S, dw, row + c)).intoArray(dw, row + c);
                } else {
                    FloatVector.fromArray(S, sums, from).intoArray(dw, row + c);
                }
            }
        }
    }

    /** runs[r*runRows + j] = x[xOff + r*in + i0 + j] for j < n, 0 for n <= j < runRows: weight rows [i0, i0 + n) of x^T. */
    private static void packRun(float[] x, int xOff, int in, int rows, int i0, int n, int runRows, float[] runs) {
        for (int r = 0, src = xOff + i0, dst = 0; r < rows; r++, src += in, dst += runRows) {
            for (int j = 0; j < runRows; j++) {
                runs[dst + j] = j < n ? x[src + j] : 0f;
            }
        }
    }
}
