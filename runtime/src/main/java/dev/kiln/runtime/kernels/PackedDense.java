package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import dev.kiln.dsl.Activation;
import jdk.incubator.vector.FloatVector;

/**
 * Dense layers' forward pass on weights packed once per update, the SIMD side of
 * {@link Kernels#packDenseWeights}. The packed array holds w [in][out] cut into column blocks of
 * two vectors (the last block one or two vectors wide, zero-padded), each block a contiguous run
 * of in rows, the block at oc starting at {@code oc * in}. The product sums its depth in order
 * from the bias with fused multiply-adds, so a row gives the same bits whatever the row count or
 * thread split, and the result equals the unpacked {@link VectorDense#forward}. The input
 * gradient needs no packed copy ({@link VectorDense#backwardInput}).
 */
final class PackedDense {

    /**
     * Panels of 2L columns a single row streams side by side: 8 accumulators, half of AVX2's
     * registers. One panel at a time left two dependent FMA chains, too few to read the weights as
     * fast as the caches deliver them (one-image predictions read every weight once).
     */
    static final int STREAM_PANELS = 4;

    private PackedDense() {
    }

    /** Floats of the packed copy of a [depth][width] matrix (a dense layer's w: [in][out]). */
    static int copySize(int depth, int width) {
        return depth * roundUp(width);
    }

    /**
     * Share part of parts of the packing: the column blocks [n*part/parts, n*(part+1)/parts), n the
     * block count. The shares write disjoint ranges, so threads may run them at once.
     */
    static void pack(int in, int out, float[] w, float[] packed, int part, int parts) {
        int outBlocks = blocks(out);
        packRows(in, out, w, packed, share(outBlocks, part, parts), share(outBlocks, part + 1, parts), 0, in);
    }

    /**
     * Packs the rows [rowFrom, rowTo) of w, every column block: what {@link #pack} writes for those
     * rows. The optimizer's update calls it on each piece of w it has just written, while the piece
     * is still in cache, so the packed copy costs no second pass over w.
     */
    static void packRowRange(int in, int out, float[] w, float[] packed, int rowFrom, int rowTo) {
        packRows(in, out, w, packed, 0, blocks(out), rowFrom, rowTo);
    }

    /**
     * y = bias + x . m for a row-major [depth][width] m used by this call alone (a convolution's
     * weights over its windows, a dense layer's small w^T): packed into this thread's scratch
     * panels, then {@link #product}.
     */
    static void productOnce(int rows, int depth, int width, float[] x, int xOff, float[] m, float[] bias,
                            float[] y, int yOff) {
        float[] panels = Scratch.floats(Scratch.PANEL, copySize(depth, width));
        packRows(depth, width, m, panels, 0, blocks(width), 0, depth);
        product(rows, depth, width, x, xOff, panels, bias, y, yOff);
    }

    private static int blocks(int width) {
        return (width + 2 * L - 1) / (2 * L);
    }

    private static int share(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }

    static void forward(int rows, int in, int out, Activation act, float[] x, int xOff, float[] packed, float[] b,
                        float[] y, int yOff) {
        product(rows, in, out, x, xOff, packed, b, y, yOff);
        VectorActivations.apply(act, y, yOff, rows * out);
    }

    private static int roundUp(int n) {
        return (n + L - 1) / L * L;
    }

    /**
     * Copies the column blocks [blockFrom, blockTo) of the rows [rowFrom, rowTo) of the row-major
     * [depth][width] matrix m into their place among blocks of 2L (the last one L or 2L wide,
     * zero-padded) in dst. Row by row of m, so the source streams once; block by block, each row
     * of a large m was a new page for every block (3.6 ms instead of 1.6 for 3136 x 1024).
     */
    private static void packRows(int depth, int width, float[] m, float[] dst, int blockFrom, int blockTo,
                                 int rowFrom, int rowTo) {
        int cFrom = blockFrom * 2 * L, cTo = Math.min(blockTo * 2 * L, width);
        int wholeEnd = Math.min(width / (2 * L) * (2 * L), cTo);
        int c0 = Math.max(wholeEnd, cFrom), lanes = cTo - c0, lastW = roundUp(lanes);     // the last, partial block
        for (int k = rowFrom, src = rowFrom * width; k < rowTo; k++, src += width) {
            packWholeBlocks(m, src, cFrom, wholeEnd, dst, cFrom * depth + k * 2 * L, 2 * L * depth);
            if (lanes > 0) {
                int to = c0 * depth + k * lastW;
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

    /** y[r][c] = bias[c] + sum over k of x[r][k] * m[k][c], m packed in panels by packRows. */
    private static void product(int rows, int depth, int width, float[] x, int xOff, float[] panels,
                                float[] bias, float[] y, int yOff) {
        int c0 = 0;
        if (rows <= VectorDense.STREAM_ROWS) {
            // A row or two, four panels at a time (the rest below, one panel each).
            int wide = STREAM_PANELS * 2 * L;
            for (; c0 + wide <= width; c0 += wide) {
                for (int r = 0; r < rows; r++) {
                    streamRow(wide, depth, x, xOff + r * depth, panels, c0 * depth, 2 * L * depth,
                            bias, c0, y, yOff + r * width + c0);
                }
            }
        }
        for (; c0 + 2 * L <= width; c0 += 2 * L) {
            block(rows, depth, depth, x, xOff, panels, c0 * depth, 2 * L, bias, c0, y, yOff + c0, width);
        }
        if (c0 < width) {
            // The zero-padded last block computes into a whole-vector-wide buffer, then copies its real lanes.
            int lanes = width - c0, blockW = roundUp(lanes);
            float[] padded = Scratch.floats(Scratch.BIAS, blockW);
            TileLoops.packColumns(bias, 0, 0, 1, c0, lanes, blockW, padded);
            float[] result = Scratch.floats(Scratch.OUT, rows * blockW);
            block(rows, depth, depth, x, xOff, panels, c0 * depth, blockW, padded, 0, result, 0, blockW);
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
