package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import dev.kiln.dsl.Activation;
import jdk.incubator.vector.FloatVector;

/**
 * Dense layers on weights packed once per update, the SIMD side of
 * {@link Kernels#packDenseWeights}. The packed array holds two copies of w, each cut into column
 * blocks of two vectors (the last block one or two vectors wide, zero-padded), each block a
 * contiguous run of depth rows:
 * <ul>
 * <li>forward: w itself, [in][out], block at oc starting at {@code oc * in};
 * <li>input gradient: w transposed, [out][in], block at ic starting at
 * {@code copySize(in, out) + ic * out}, so dx = dz . w^T runs on the same forward tiles, with no
 * lane reduction (the dot products of {@link VectorDense#backwardInput} ran at a third of the speed).
 * </ul>
 * Both products sum their depth in order from the bias with fused multiply-adds, so a row gives
 * the same bits whatever the row count or thread split, and the forward result equals the
 * unpacked {@link VectorDense#forward}.
 */
final class PackedDense {

    /** Scatter offsets down a column of a block 2L (or L) floats wide: 0, w, 2w, ... */
    private static final int[] DOWN_2L = column(2 * L), DOWN_L = column(L);
    /**
     * Panels of 2L columns a single row streams side by side: 8 accumulators, half of AVX2's
     * registers. One panel at a time left two dependent FMA chains, too few to read the weights as
     * fast as the caches deliver them (one-image predictions read every weight once).
     */
    static final int STREAM_PANELS = 4;

    private PackedDense() {
    }

    /** Floats of one packed copy of a [depth][width] matrix. */
    static int copySize(int depth, int width) {
        return depth * roundUp(width);
    }

    static int size(int in, int out) {
        return copySize(in, out) + copySize(out, in);
    }

    /**
     * Share part of parts of the packing: the column blocks [n*part/parts, n*(part+1)/parts) of
     * each copy, n its block count. The shares write disjoint ranges, so threads may run them at once.
     */
    static void pack(int in, int out, float[] w, float[] packed, int part, int parts) {
        int outBlocks = blocks(out), inBlocks = blocks(in);
        packRows(in, out, w, packed, 0, share(outBlocks, part, parts), share(outBlocks, part + 1, parts));
        packTransposed(out, in, w, packed, copySize(in, out),                    // w^T[o][i] = w[i][o]
                share(inBlocks, part, parts), share(inBlocks, part + 1, parts));
    }

    /**
     * Packs the row-major [depth][width] matrix m alone (the forward copy of a dense layer's
     * weights, or a convolution's over its windows) into dst[0, copySize(depth, width)) for {@link #product}.
     */
    static void packCopy(int depth, int width, float[] m, float[] dst) {
        packRows(depth, width, m, dst, 0, 0, blocks(width));
    }

    private static int blocks(int width) {
        return (width + 2 * L - 1) / (2 * L);
    }

    private static int share(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }

    static void forward(int rows, int in, int out, Activation act, float[] x, int xOff, float[] packed, float[] b,
                        float[] y, int yOff) {
        product(rows, in, out, 0, x, xOff, packed, 0, b, y, yOff);
        VectorActivations.apply(act, y, yOff, rows * out);
    }

    /**
     * dx = dz . w^T. When most of dz is zero (dropout and ReLU in training), the columns in whole
     * groups of {@link SparseGradient#GROUP} skip its zeros, with the same bits as the tiles.
     */
    static void backwardInput(int rows, int in, int out, float[] dz, int dzOff, float[] packed, float[] dx, int dxOff) {
        int pOff = copySize(in, out), sparseCols = in / SparseGradient.GROUP * SparseGradient.GROUP;
        if (sparseCols > 0) {
            int[] index = Scratch.ints(Scratch.INDEX, rows + 1 + rows * out);
            if (SparseGradient.listNonZeros(rows, out, dz, dzOff, index) < SparseGradient.MAX_DENSITY * rows * out) {
                for (int c0 = 0; c0 < sparseCols; c0 += SparseGradient.GROUP) {
                    SparseGradient.group(rows, out, dz, dzOff, index, packed, pOff + c0 * out, dx, dxOff + c0, in);
                }
                product(rows, out, in, sparseCols, dz, dzOff, packed, pOff, Scratch.zeros(in), dx, dxOff);
                return;
            }
        }
        backwardInputDense(rows, in, out, dz, dzOff, packed, dx, dxOff);
    }

    /** dx = dz . w^T on the tiles alone, zeros of dz included. */
    static void backwardInputDense(int rows, int in, int out, float[] dz, int dzOff, float[] packed, float[] dx, int dxOff) {
        product(rows, out, in, 0, dz, dzOff, packed, copySize(in, out), Scratch.zeros(in), dx, dxOff);
    }

    private static int[] column(int blockW) {
        int[] offsets = new int[L];
        for (int i = 0; i < L; i++) {
            offsets[i] = i * blockW;
        }
        return offsets;
    }

    private static int roundUp(int n) {
        return (n + L - 1) / L * L;
    }

    /**
     * Copies the column blocks [blockFrom, blockTo) of the row-major [depth][width] matrix m into
     * their place among blocks of 2L (the last one L or 2L wide, zero-padded) at dst[at..]. Row by row of m, so the source streams once; block by
     * block, each row of a large m was a new page for every block (3.6 ms instead of 1.6 for
     * 3136 x 1024).
     */
    private static void packRows(int depth, int width, float[] m, float[] dst, int at, int blockFrom, int blockTo) {
        int cFrom = blockFrom * 2 * L, cTo = Math.min(blockTo * 2 * L, width);
        int wholeEnd = Math.min(width / (2 * L) * (2 * L), cTo);
        int c0 = Math.max(wholeEnd, cFrom), lanes = cTo - c0, lastW = roundUp(lanes);     // the last, partial block
        for (int k = 0, src = 0; k < depth; k++, src += width) {
            packWholeBlocks(m, src, cFrom, wholeEnd, dst, at + cFrom * depth + k * 2 * L, 2 * L * depth);
            if (lanes > 0) {
                int to = at + c0 * depth + k * lastW;
                for (int c = 0; c < lastW; c++) {
                    dst[to + c] = c < lanes ? m[src + c0 + c] : 0f;
                }
            }
        }
    }

    /**
     * Row m[src..] columns [from, to), whole 2L blocks, to dst[at..], one block every stride floats.
     * A method of its own, called once per row, because a short loop that is called often reaches
     * C2 from a profile that has seen the loop end. As one long loop nest, the first pack got it
     * compiled on the stack mid-loop; that code left for the interpreter when the loop ended, and
     * packing ran interpreted, allocating, for several more steps.
     */
    private static void packWholeBlocks(float[] m, int src, int from, int to, float[] dst, int at, int stride) {
        for (int c = from; c < to; c += 2 * L, at += stride) {
            FloatVector.fromArray(S, m, src + c).intoArray(dst, at);
            FloatVector.fromArray(S, m, src + c + L).intoArray(dst, at + L);
        }
    }

    /**
     * Whether a vector may be scattered down a column in one store. AVX-512 has a scatter
     * instruction; AVX2 and narrower do not, and there the Vector API falls back to Java code that
     * boxes every lane: packing fc1 of tf-mnist allocated 64 MB per update that way.
     */
    static final boolean NATIVE_SCATTER = S.vectorBitSize() >= 512;

    /**
     * As {@link #packRows} for the transpose of m, a row-major [width][depth] matrix: element
     * (k, c) is m[c*depth + k]. Row c of m becomes column c of its block.
     */
    private static void packTransposed(int depth, int width, float[] m, float[] dst, int at, int blockFrom, int blockTo) {
        int cTo = Math.min(blockTo * 2 * L, width);
        for (int c0 = blockFrom * 2 * L; c0 < cTo; c0 += 2 * L) {
            int lanes = Math.min(2 * L, width - c0), blockW = roundUp(lanes);
            int base = at + c0 * depth;
            if (lanes < blockW) {
                java.util.Arrays.fill(dst, base, base + depth * blockW, 0f);
            }
            if (NATIVE_SCATTER) {
                scatterColumns(depth, m, c0 * depth, lanes, blockW, dst, base);
            } else {
                for (int k = 0; k < depth; k += TRANSPOSE_ROWS) {
                    transposeRows(m, c0 * depth, depth, k, Math.min(k + TRANSPOSE_ROWS, depth), lanes, dst, base, blockW);
                }
            }
        }
    }

    /**
     * The block's columns from m's rows, each vector of L consecutive k scattered down its
     * column, blockW floats apart. Stored one float at a time in this order, the copy took 4-5 ms
     * for 3136 x 1024, most of a forward pass.
     */
    private static void scatterColumns(int depth, float[] m, int src0, int lanes, int blockW, float[] dst, int base) {
        int wholeK = S.loopBound(depth);
        int[] down = blockW == 2 * L ? DOWN_2L : DOWN_L;
        for (int c = 0; c < lanes; c++) {
            int src = src0 + c * depth, col = base + c;
            int k = 0;
            for (; k < wholeK; k += L) {
                FloatVector.fromArray(S, m, src + k).intoArray(dst, col + k * blockW, down, 0);
            }
            for (; k < depth; k++) {
                dst[col + k * blockW] = m[src + k];
            }
        }
    }

    /**
     * Rows [from, to) of a block of the transpose, without a scatter: each of the block's 2L source
     * rows m[src + c*depth ..] is read along k, a long run at a time, while the block's rows
     * [from, to) stay in cache as the columns fill them. Row by row of the block (the 2L lanes of
     * one k, from 2L source rows), every read came from another row: packing fc1 of tf-mnist (3136
     * x 1024, both copies) took 15.3-15.8 ms that way against 10.2-11.8 ms here, and emotion's fc
     * (9216 x 256) 8.0-8.2 against 5.2-5.8 (interleaved {@code ./kiln kernels} runs on AVX2 Zen 3;
     * runs of 64 and 256 rows were slower than 1024). A method of its own, called once per block
     * of rows, for the reason {@link #packWholeBlocks} gives.
     */
    private static void transposeRows(float[] m, int src, int depth, int from, int to, int lanes,
                                      float[] dst, int base, int blockW) {
        for (int c = 0; c < lanes; c++) {
            for (int k = from, at = src + c * depth + from, out = base + from * blockW + c; k < to; k++, at++, out += blockW) {
                dst[out] = m[at];
            }
        }
    }

    /** Rows of the transpose done a column at a time by {@link #transposeRows}: 1024 x 2L floats, 64 KB on AVX2. */
    private static final int TRANSPOSE_ROWS = 1024;

    /**
     * y[r][c] = bias[c] + sum over k of x[r][k] * m[k][c] for the columns c from {@code from} (a
     * multiple of 2L) on, m packed at panels[pOff..] by packRows.
     */
    static void product(int rows, int depth, int width, int from, float[] x, int xOff, float[] panels, int pOff,
                                float[] bias, float[] y, int yOff) {
        int c0 = from;
        if (rows <= VectorDense.STREAM_ROWS) {
            // A row or two, four panels at a time (the rest below, one panel each).
            int wide = STREAM_PANELS * 2 * L;
            for (; c0 + wide <= width; c0 += wide) {
                for (int r = 0; r < rows; r++) {
                    streamRow(wide, depth, x, xOff + r * depth, panels, pOff + c0 * depth, 2 * L * depth,
                            bias, c0, y, yOff + r * width + c0);
                }
            }
        }
        for (; c0 + 2 * L <= width; c0 += 2 * L) {
            block(rows, depth, depth, x, xOff, panels, pOff + c0 * depth, 2 * L, bias, c0, y, yOff + c0, width);
        }
        if (c0 < width) {
            // The zero-padded last block computes into a whole-vector-wide buffer, then copies its real lanes.
            int lanes = width - c0, blockW = roundUp(lanes);
            float[] padded = Scratch.floats(Scratch.BIAS, blockW);
            TileLoops.packColumns(bias, 0, 0, 1, c0, lanes, blockW, padded);
            float[] result = Scratch.floats(Scratch.OUT, rows * blockW);
            block(rows, depth, depth, x, xOff, panels, pOff + c0 * depth, blockW, padded, 0, result, 0, blockW);
            TileLoops.unpackColumns(result, blockW, rows, lanes, y, yOff + c0, width);
        }
    }

    /** One column block, blockW = L or 2L wide, of every row; y rows are yStride apart. */
    private static void block(int rows, int depth, int xStride, float[] x, int xOff, float[] panel, int pAt, int blockW,
                              float[] bias, int bOff, float[] y, int yAt, int yStride) {
        if (rows <= VectorDense.STREAM_ROWS) {
            // A row or two: the tiles would compute 6 or 7 rows; stream the panel once per row instead.
            for (int r = 0; r < rows; r++) {
                streamRow(blockW, depth, x, xOff + r * xStride, panel, pAt, 0, bias, bOff, y, yAt + r * yStride);
            }
            return;
        }
        // The first depth block starts from the bias; each later one from zero, then adds the stored sum.
        float[] zeros = Scratch.zeros(2 * L);
        for (int k = 0; k < depth; k += VectorDense.K_BLOCK) {
            int d = Math.min(VectorDense.K_BLOCK, depth - k);
            float[] start = k == 0 ? bias : zeros;
            int startOff = k == 0 ? bOff : 0;
            if (blockW == 2 * L) {
                for (int p = 0; p < rows; p += TileLoops.WIDE_TILE) {
                    VectorTiles.panelRowsNx2(x, xOff + k, xStride, d, panel, pAt + k * blockW, start, startOff, k > 0,
                            y, yAt, yStride, p, rows);
                }
            } else {
                for (int p = 0; p < rows; p += TileLoops.TILE) {
                    VectorTiles.panelRows7x1(x, xOff + k, xStride, d, panel, pAt + k * blockW, start, startOff, k > 0,
                            y, yAt, yStride, p, rows);
                }
            }
        }
    }

    /**
     * y[0, width) = bias + sum over k of x[k] * panel row k: the order of the tiles, one row, the
     * depth in blocks of {@link VectorDense#K_BLOCK} (the first from the bias, each later one from
     * zero and then added). width is L or 2L (one panel), or {@link #STREAM_PANELS} panels of 2L,
     * panelStride apart, streamed side by side so that eight sums are in flight rather than two.
     */
    private static void streamRow(int width, int depth, float[] x, int xAt, float[] panel, int pAt, int panelStride,
                                  float[] bias, int bOff, float[] y, int yAt) {
        // Each block's sum is stored and added in memory, not carried in a vector chosen by a
        // condition: such a merge of two vectors made C2 box them, 26 MB per tf-mnist prediction.
        int first = Math.min(VectorDense.K_BLOCK, depth);
        streamBlock(width, 0, first, x, xAt, panel, pAt, panelStride, bias, bOff, y, yAt);
        for (int k0 = first; k0 < depth; k0 += VectorDense.K_BLOCK) {
            float[] block = Scratch.floats(Scratch.SUMS, width);
            streamBlock(width, k0, Math.min(k0 + VectorDense.K_BLOCK, depth), x, xAt, panel, pAt, panelStride,
                    Scratch.zeros(width), 0, block, 0);
            ScalarKernels.addInto(block, width, y, yAt);
        }
    }

    /** The block of {@link #streamRow} for its width. */
    private static void streamBlock(int width, int from, int to, float[] x, int xAt, float[] panel, int pAt, int panelStride,
                                    float[] start, int startAt, float[] out, int outAt) {
        if (width == L) {
            streamBlock1(from, to, x, xAt, panel, pAt, start, startAt, out, outAt);
        } else if (width == 2 * L) {
            streamBlock2(from, to, x, xAt, panel, pAt, start, startAt, out, outAt);
        } else {
            streamBlock8(from, to, x, xAt, panel, pAt, panelStride, start, startAt, out, outAt);
        }
    }

    /**
     * out[0, 2L) = start[0, 2L) + sum over k in [from, to) of x[k] * panel row k. The start comes
     * in an array: vectors passed to a method that C2 does not inline are boxed.
     */
    private static void streamBlock2(int from, int to, float[] x, int xAt, float[] panel, int pAt,
                                     float[] start, int startAt, float[] out, int outAt) {
        FloatVector a0 = FloatVector.fromArray(S, start, startAt), a1 = FloatVector.fromArray(S, start, startAt + L);
        for (int k = from, at = pAt + from * 2 * L; k < to; k++, at += 2 * L) {
            FloatVector v = FloatVector.broadcast(S, x[xAt + k]);
            a0 = v.fma(FloatVector.fromArray(S, panel, at), a0);
            a1 = v.fma(FloatVector.fromArray(S, panel, at + L), a1);
        }
        a0.intoArray(out, outAt);
        a1.intoArray(out, outAt + L);
    }

    private static void streamBlock1(int from, int to, float[] x, int xAt, float[] panel, int pAt, float[] start,
                                     int startAt, float[] out, int outAt) {
        FloatVector a0 = FloatVector.fromArray(S, start, startAt);
        for (int k = from, at = pAt + from * L; k < to; k++, at += L) {
            a0 = FloatVector.broadcast(S, x[xAt + k]).fma(FloatVector.fromArray(S, panel, at), a0);
        }
        a0.intoArray(out, outAt);
    }

    /**
     * As {@link #streamBlock2} over {@link #STREAM_PANELS} panels side by side, panel j at
     * pAt + j*panelStride: out[0, 8L) holds their columns in order. Each column's sum runs in the
     * same order as in streamBlock2, so the bits are the same; eight independent chains keep the
     * FMA units busy where two wait on each other's latency.
     */
    private static void streamBlock8(int from, int to, float[] x, int xAt, float[] panel, int pAt, int panelStride,
                                     float[] start, int startAt, float[] out, int outAt) {
        FloatVector a0 = FloatVector.fromArray(S, start, startAt), a1 = FloatVector.fromArray(S, start, startAt + L),
                a2 = FloatVector.fromArray(S, start, startAt + 2 * L), a3 = FloatVector.fromArray(S, start, startAt + 3 * L),
                a4 = FloatVector.fromArray(S, start, startAt + 4 * L), a5 = FloatVector.fromArray(S, start, startAt + 5 * L),
                a6 = FloatVector.fromArray(S, start, startAt + 6 * L), a7 = FloatVector.fromArray(S, start, startAt + 7 * L);
        int p1 = panelStride, p2 = 2 * panelStride, p3 = 3 * panelStride;
        for (int k = from, at = pAt + from * 2 * L; k < to; k++, at += 2 * L) {
            FloatVector v = FloatVector.broadcast(S, x[xAt + k]);
            a0 = v.fma(FloatVector.fromArray(S, panel, at), a0);
            a1 = v.fma(FloatVector.fromArray(S, panel, at + L), a1);
            a2 = v.fma(FloatVector.fromArray(S, panel, at + p1), a2);
            a3 = v.fma(FloatVector.fromArray(S, panel, at + p1 + L), a3);
            a4 = v.fma(FloatVector.fromArray(S, panel, at + p2), a4);
            a5 = v.fma(FloatVector.fromArray(S, panel, at + p2 + L), a5);
            a6 = v.fma(FloatVector.fromArray(S, panel, at + p3), a6);
            a7 = v.fma(FloatVector.fromArray(S, panel, at + p3 + L), a7);
        }
        a0.intoArray(out, outAt);
        a1.intoArray(out, outAt + L);
        a2.intoArray(out, outAt + 2 * L);
        a3.intoArray(out, outAt + 3 * L);
        a4.intoArray(out, outAt + 4 * L);
        a5.intoArray(out, outAt + 5 * L);
        a6.intoArray(out, outAt + 6 * L);
        a7.intoArray(out, outAt + 7 * L);
    }
}
