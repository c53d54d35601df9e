package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import dev.kiln.dsl.Activation;
import jdk.incubator.vector.FloatVector;

/**
 * Dense layers' forward pass on weights packed once per update, the SIMD side of
 * {@link Kernels#packDenseWeights}. The packed array holds w [in][out] cut into column panels as
 * {@link VectorTiles#panelWidth} cuts them (four vectors wide where the registers allow, then two,
 * the last one zero-padded to whole vectors), each panel a contiguous run of in rows, the panel at
 * column oc starting at {@code oc * in}. The product sums its depth in order from the bias with
 * fused multiply-adds, so a row gives the same bits whatever the row count or thread split, and
 * the result equals the unpacked {@link VectorDense#forward}. The input gradient needs no packed
 * copy ({@link VectorDense#backwardInput}).
 */
final class PackedDense {

    /**
     * Vectors of columns a single row streams side by side: 8 accumulators, half of AVX2's
     * registers. One panel of two vectors at a time left two dependent FMA chains, too few to read
     * the weights as fast as the caches deliver them (one-image predictions read every weight once).
     */
    static final int STREAM_VECTORS = 8;

    private PackedDense() {
    }

    /** Floats of the packed copy of a [depth][width] matrix (a dense layer's w: [in][out]). */
    static int copySize(int depth, int width) {
        return depth * roundUp(width);
    }

    /**
     * Share part of parts of the packing: the panels [n*part/parts, n*(part+1)/parts), n the panel
     * count. The shares write disjoint ranges, so threads may run them at once.
     */
    static void pack(int in, int out, float[] w, float[] packed, int part, int parts) {
        int panels = panels(out);
        packRows(in, out, w, packed, panelColumn(out, share(panels, part, parts)),
                panelColumn(out, share(panels, part + 1, parts)), 0, in);
    }

    /**
     * Packs the rows [rowFrom, rowTo) of w, every column block: what {@link #pack} writes for those
     * rows. The optimizer's update calls it on each piece of w it has just written, while the piece
     * is still in cache, so the packed copy costs no second pass over w. Panel by panel: the piece's
     * rows are read from cache, and each panel gets one contiguous run of rows. Row by row, as
     * {@link #packRows}, every row visited every panel (64 at AVX2's two-vector panels for fc1's
     * 1024 columns), one cache line each: packing took twice as long (tf-mnist's fc1 after each
     * update: 0.9-1.1 ms against 2.0-2.6 on one thread, AVX2).
     */
    static void packRowRange(int in, int out, float[] w, float[] packed, int rowFrom, int rowTo) {
        for (int c = 0, pw; c < out; c += pw) {
            pw = VectorTiles.panelWidth(c, out);
            packPanelRows(w, out, in, c, pw, rowFrom, rowTo, packed);
        }
    }

    /** Rows [rowFrom, rowTo) of the panel at column c, pw wide, of the [depth][width] matrix m into dst. */
    private static void packPanelRows(float[] m, int width, int depth, int c, int pw, int rowFrom, int rowTo,
                                      float[] dst) {
        if (c + pw > width) {                   // the last panel, zero-padded
            for (int k = rowFrom; k < rowTo; k++) {
                packRow(m, k * width, width, depth, k, c, c + pw, dst);
            }
            return;
        }
        for (int k = rowFrom, src = rowFrom * width + c, to = c * depth + rowFrom * pw; k < rowTo;
             k++, src += width, to += pw) {
            for (int v = 0; v < pw; v += L) {
                FloatVector.fromArray(S, m, src + v).intoArray(dst, to + v);
            }
        }
    }

    /**
     * y = bias + x . m for a row-major [depth][width] m used by this call alone (a convolution's
     * weights over its windows, a dense layer's small w^T): packed into this thread's scratch
     * panels, then {@link #product}.
     */
    static void productOnce(int rows, int depth, int width, float[] x, int xOff, float[] m, float[] bias,
                            float[] y, int yOff) {
        float[] panels = Scratch.floats(Scratch.PANEL, copySize(depth, width));
        packRows(depth, width, m, panels, 0, width, 0, depth);
        product(rows, depth, width, x, xOff, panels, bias, y, yOff);
    }

    /** Panels of a matrix width columns wide, cut by {@link VectorTiles#panelWidth}. */
    private static int panels(int width) {
        int n = 0;
        for (int c = 0; c < width; c += VectorTiles.panelWidth(c, width)) {
            n++;
        }
        return n;
    }

    /** The first column of panel i (width for i = the panel count). */
    private static int panelColumn(int width, int i) {
        int c = 0;
        for (int p = 0; p < i && c < width; p++) {
            c += VectorTiles.panelWidth(c, width);
        }
        return Math.min(c, width);
    }

    private static int share(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }

    static void forward(int rows, int in, int out, Activation act, float[] x, int xOff, float[] packed, float[] b,
                        float[] y, int yOff) {
        product(rows, in, out, x, xOff, packed, b, y, yOff);
        VectorActivations.apply(act, y, yOff, rows * out);
    }

    /**
     * The output columns of share part of parts of {@link #forward}, for every row: whole panels,
     * cut as {@link #pack} cuts them, so the shares of several threads write disjoint columns and
     * each reads only its panels of the weights. Each column gets the bits of {@link #forward}
     * (the panel tiles, whose sums do not depend on the row count; forward's one- and two-row
     * streams give the same bits).
     */
    static void forwardPart(int rows, int in, int out, Activation act, float[] x, int xOff, float[] packed, float[] b,
                            float[] y, int yOff, int part, int parts) {
        int panels = panels(out);
        int from = panelColumn(out, share(panels, part, parts)), to = panelColumn(out, share(panels, part + 1, parts));
        if (from == to) {
            return;
        }
        productColumns(rows, in, out, x, xOff, packed, b, y, yOff, from, to);
        if (act != Activation.NONE) {
            for (int r = 0; r < rows; r++) {
                VectorActivations.apply(act, y, yOff + r * out + from, to - from);
            }
        }
    }

    private static int roundUp(int n) {
        return (n + L - 1) / L * L;
    }

    /**
     * Copies the columns [cFrom, cTo) (whole panels) of the rows [rowFrom, rowTo) of the row-major
     * [depth][width] matrix m into their panels in dst, the last one zero-padded. Row by row of m,
     * so the source streams once; panel by panel, each row of a large m was a new page for every
     * panel (3.6 ms instead of 1.6 for 3136 x 1024).
     */
    private static void packRows(int depth, int width, float[] m, float[] dst, int cFrom, int cTo,
                                 int rowFrom, int rowTo) {
        for (int k = rowFrom, src = rowFrom * width; k < rowTo; k++, src += width) {
            packRow(m, src, width, depth, k, cFrom, cTo, dst);
        }
    }

    /**
     * Row k of m (at m[src..]), columns [cFrom, cTo), into its place in each panel: the panel at
     * column c, pw wide, holds it at c*depth + k*pw. A method of its own, called once per row,
     * because a short loop that is called often reaches C2 from a profile that has seen the loop
     * end. As one long loop nest, the first pack got it compiled on the stack mid-loop; that code
     * left for the interpreter when the loop ended, and packing ran interpreted, allocating, for
     * several more steps.
     */
    private static void packRow(float[] m, int src, int width, int depth, int k, int cFrom, int cTo, float[] dst) {
        for (int c = cFrom, pw; c < cTo; c += pw) {
            pw = VectorTiles.panelWidth(c, width);
            int to = c * depth + k * pw;
            if (c + pw <= width) {
                for (int v = 0; v < pw; v += L) {
                    FloatVector.fromArray(S, m, src + c + v).intoArray(dst, to + v);
                }
            } else {
                for (int j = 0; j < pw; j++) {
                    dst[to + j] = c + j < width ? m[src + c + j] : 0f;
                }
            }
        }
    }

    /** y[r][c] = bias[c] + sum over k of x[r][k] * m[k][c], m packed in panels by packRows. */
    private static void product(int rows, int depth, int width, float[] x, int xOff, float[] panels,
                                float[] bias, float[] y, int yOff) {
        if (rows <= VectorDense.STREAM_ROWS) {
            streamRows(rows, depth, width, x, xOff, panels, bias, y, yOff);
            return;
        }
        productColumns(rows, depth, width, x, xOff, panels, bias, y, yOff, 0, width);
    }

    /** The columns [cFrom, cTo) (whole panels) of {@link #product}, on the panel tiles whatever the row count. */
    private static void productColumns(int rows, int depth, int width, float[] x, int xOff, float[] panels,
                                       float[] bias, float[] y, int yOff, int cFrom, int cTo) {
        // The zero-padded last panel, if any, computes into a whole-vector-wide buffer, then copies its real lanes.
        int whole = 0;
        while (whole < width && whole + VectorTiles.panelWidth(whole, width) <= width) {
            whole += VectorTiles.panelWidth(whole, width);
        }
        int lastW = VectorTiles.panelWidth(whole, width), lanes = cTo == width ? width - whole : 0;
        int wholeTo = Math.min(cTo, whole);
        float[] padded = null, result = null;
        if (lanes > 0) {
            padded = Scratch.floats(Scratch.BIAS, lastW);
            TileLoops.packColumns(bias, 0, 0, 1, whole, lanes, lastW, padded);
            result = Scratch.floats(Scratch.OUT, rows * lastW);
        }
        // Depth blocks outside, panels inside: the rows' block of x (rows x K_BLOCK floats) stays in
        // L2 while each panel's block of m streams through once. Panels outside, the whole x (800
        // KB for tf-mnist's fc1) was read again for every panel, and the 12.8 MB of m streaming
        // past evicted it from L2. The first depth block starts from the bias; each later one from
        // zero, then adds the stored sum.
        float[] zeros = Scratch.zeros(4 * L);
        for (int k = 0; k < depth; k += VectorDense.K_BLOCK) {
            int d = Math.min(VectorDense.K_BLOCK, depth - k);
            for (int c0 = cFrom, pw; c0 < wholeTo; c0 += pw) {
                pw = VectorTiles.panelWidth(c0, width);
                VectorTiles.panelColumns(pw, x, xOff + k, depth, d, panels, c0 * depth + k * pw,
                        k == 0 ? bias : zeros, k == 0 ? c0 : 0, k > 0, y, yOff + c0, width, rows);
            }
            if (lanes > 0) {
                VectorTiles.panelColumns(lastW, x, xOff + k, depth, d, panels, whole * depth + k * lastW,
                        k == 0 ? padded : zeros, 0, k > 0, result, 0, lastW, rows);
            }
        }
        if (lanes > 0) {
            TileLoops.unpackColumns(result, lastW, rows, lanes, y, yOff + whole, width);
        }
    }

    /**
     * {@link #product} for a row or two: the tiles would compute 6 or 7 rows, so each row streams
     * the panels once, {@link #STREAM_VECTORS} columns of panels of one width at a time, then the
     * rest a panel at a time.
     */
    private static void streamRows(int rows, int depth, int width, float[] x, int xOff, float[] panels,
                                   float[] bias, float[] y, int yOff) {
        int c0 = 0, wide = STREAM_VECTORS * L;
        for (int pw; c0 + wide <= width && VectorTiles.panelWidth(c0 + wide - (pw = VectorTiles.panelWidth(c0, width)), width) == pw;
             c0 += wide) {
            for (int r = 0; r < rows; r++) {
                streamRow(wide, pw, depth, x, xOff + r * depth, panels, c0 * depth, bias, c0, y, yOff + r * width + c0);
            }
        }
        for (int pw; c0 < width; c0 += pw) {
            pw = VectorTiles.panelWidth(c0, width);
            int lanes = Math.min(pw, width - c0);
            if (lanes == pw) {
                for (int r = 0; r < rows; r++) {
                    streamRow(pw, pw, depth, x, xOff + r * depth, panels, c0 * depth, bias, c0, y, yOff + r * width + c0);
                }
                continue;
            }
            float[] padded = Scratch.floats(Scratch.BIAS, pw);
            TileLoops.packColumns(bias, 0, 0, 1, c0, lanes, pw, padded);
            float[] result = Scratch.floats(Scratch.OUT, rows * pw);
            for (int r = 0; r < rows; r++) {
                streamRow(pw, pw, depth, x, xOff + r * depth, panels, c0 * depth, padded, 0, result, r * pw);
            }
            TileLoops.unpackColumns(result, pw, rows, lanes, y, yOff + c0, width);
        }
    }

    /**
     * y[0, width) = bias + sum over k of x[k] * panel row k: the order of the tiles, one row, the
     * depth in blocks of {@link VectorDense#K_BLOCK} (the first from the bias, each later one from
     * zero and then added). width is one panel's pw (L, 2L, 3L or 4L), or {@link #STREAM_VECTORS}
     * vectors of consecutive panels pw wide (pw*depth apart), streamed side by side so that eight
     * sums are in flight rather than two.
     */
    private static void streamRow(int width, int pw, int depth, float[] x, int xAt, float[] panel, int pAt,
                                  float[] bias, int bOff, float[] y, int yAt) {
        // Each block's sum is stored and added in memory, not carried in a vector chosen by a
        // condition: such a merge of two vectors made C2 box them, 26 MB per tf-mnist prediction.
        int first = Math.min(VectorDense.K_BLOCK, depth);
        int done = width == L || width == 2 * L ? blocksSideBySide(width, depth, x, xAt, panel, pAt, bias, bOff, y, yAt) : 0;
        if (done == 0) {
            streamBlock(width, pw, depth, 0, first, x, xAt, panel, pAt, bias, bOff, y, yAt);
            done = first;
        }
        for (int k0 = done; k0 < depth; k0 += VectorDense.K_BLOCK) {
            float[] block = Scratch.floats(Scratch.SUMS, width);
            streamBlock(width, pw, depth, k0, Math.min(k0 + VectorDense.K_BLOCK, depth), x, xAt, panel, pAt,
                    Scratch.zeros(width), 0, block, 0);
            ScalarKernels.addInto(block, width, y, yAt);
        }
    }

    /**
     * The whole depth blocks of {@link #streamRow} for a panel of one or two vectors, four or two
     * blocks at a time: their sums are independent (each later block starts from zero), so they run
     * as four parallel chains where one block waits on the latency of its own multiply-adds (a
     * one-image prediction's logits, 10 outputs over 1600 or 2304 inputs, is one or two chains
     * otherwise). The sums are then added to y in block order, as {@link #streamRow} adds them one by
     * one: the same bits. keras-mnist's logits took 1.3-1.6 µs a call against 2.0-2.1, pytorch-mnist's
     * 1.6-2.0 against 2.9-3.0 (Zen 5, 512 and 256 bits, a probe of the layers with both runtimes in
     * turns). Returns the depth done (0 when there are not enough whole blocks for one group).
     */
    private static int blocksSideBySide(int width, int depth, float[] x, int xAt, float[] panel, int pAt,
                                        float[] bias, int bOff, float[] y, int yAt) {
        int kb = VectorDense.K_BLOCK, group = width == L ? 4 : 2;
        int groups = depth / kb / group;
        float[] sums = Scratch.floats(Scratch.SUMS, 4 * L);
        float[] zeros = Scratch.zeros(2 * L);
        for (int gi = 0; gi < groups; gi++) {
            int k0 = gi * group * kb;
            float[] start = gi == 0 ? bias : zeros;
            int startAt = gi == 0 ? bOff : 0;
            if (width == L) {
                fourBlocks1(k0, x, xAt, panel, pAt, start, startAt, zeros, sums);
            } else {
                twoBlocks2(k0, x, xAt, panel, pAt, start, startAt, zeros, sums);
            }
            int from = 0;
            if (gi == 0) {          // the first block started from the bias: it is y's first value
                System.arraycopy(sums, 0, y, yAt, width);
                from = width;
            }
            for (int b = from; b < group * width; b += width) {
                ScalarKernels.addInto(sums, b, width, y, yAt);
            }
        }
        return groups * group * kb;
    }

    /**
     * sums[i*L, + L) = (i == 0 ? start : zeros) + the sum over the i-th of four depth blocks of
     * K_BLOCK from k0 of x[k] * (panel row k): one-vector panel rows L floats apart.
     */
    private static void fourBlocks1(int k0, float[] x, int xAt, float[] panel, int pAt, float[] start, int startAt,
                                    float[] zeros, float[] sums) {
        int kb = VectorDense.K_BLOCK;
        FloatVector a0 = FloatVector.fromArray(S, start, startAt), a1 = FloatVector.fromArray(S, zeros, 0);
        FloatVector a2 = a1, a3 = a1;
        for (int j = 0, k = k0, at = pAt + k0 * L; j < kb; j++, k++, at += L) {
            a0 = FloatVector.broadcast(S, x[xAt + k]).fma(FloatVector.fromArray(S, panel, at), a0);
            a1 = FloatVector.broadcast(S, x[xAt + k + kb]).fma(FloatVector.fromArray(S, panel, at + kb * L), a1);
            a2 = FloatVector.broadcast(S, x[xAt + k + 2 * kb]).fma(FloatVector.fromArray(S, panel, at + 2 * kb * L), a2);
            a3 = FloatVector.broadcast(S, x[xAt + k + 3 * kb]).fma(FloatVector.fromArray(S, panel, at + 3 * kb * L), a3);
        }
        a0.intoArray(sums, 0);
        a1.intoArray(sums, L);
        a2.intoArray(sums, 2 * L);
        a3.intoArray(sums, 3 * L);
    }

    /** {@link #fourBlocks1} for two blocks of a two-vector panel (rows 2L floats apart): sums[i*2L, + 2L). */
    private static void twoBlocks2(int k0, float[] x, int xAt, float[] panel, int pAt, float[] start, int startAt,
                                   float[] zeros, float[] sums) {
        int kb = VectorDense.K_BLOCK, step = 2 * L;
        FloatVector a0 = FloatVector.fromArray(S, start, startAt), a1 = FloatVector.fromArray(S, start, startAt + L);
        FloatVector b0 = FloatVector.fromArray(S, zeros, 0), b1 = b0;
        for (int j = 0, k = k0, at = pAt + k0 * step; j < kb; j++, k++, at += step) {
            FloatVector v = FloatVector.broadcast(S, x[xAt + k]), u = FloatVector.broadcast(S, x[xAt + k + kb]);
            a0 = v.fma(FloatVector.fromArray(S, panel, at), a0);
            a1 = v.fma(FloatVector.fromArray(S, panel, at + L), a1);
            b0 = u.fma(FloatVector.fromArray(S, panel, at + kb * step), b0);
            b1 = u.fma(FloatVector.fromArray(S, panel, at + kb * step + L), b1);
        }
        a0.intoArray(sums, 0);
        a1.intoArray(sums, L);
        b0.intoArray(sums, 2 * L);
        b1.intoArray(sums, 3 * L);
    }

    /** The block of {@link #streamRow} for its width. */
    private static void streamBlock(int width, int pw, int depth, int from, int to, float[] x, int xAt, float[] panel,
                                    int pAt, float[] start, int startAt, float[] out, int outAt) {
        if (width == L) {
            streamBlock1(from, to, x, xAt, panel, pAt, L, start, startAt, out, outAt);
        } else if (width == 3 * L) {        // one panel of three vectors, as one of two and one of one
            streamBlock2(from, to, x, xAt, panel, pAt, 3 * L, start, startAt, out, outAt);
            streamBlock1(from, to, x, xAt, panel, pAt + 2 * L, 3 * L, start, startAt + 2 * L, out, outAt + 2 * L);
        } else if (width == 2 * L) {
            streamBlock2(from, to, x, xAt, panel, pAt, 2 * L, start, startAt, out, outAt);
        } else if (width == 4 * L) {        // one panel of four vectors, as two of two
            streamBlock2(from, to, x, xAt, panel, pAt, 4 * L, start, startAt, out, outAt);
            streamBlock2(from, to, x, xAt, panel, pAt + 2 * L, 4 * L, start, startAt + 2 * L, out, outAt + 2 * L);
        } else {
            streamBlock8(from, to, x, xAt, panel, pAt, pw * depth, pw / L, start, startAt, out, outAt);
        }
    }

    /**
     * out[0, 2L) = start[0, 2L) + sum over k in [from, to) of x[k] * (panel row k's first 2L
     * floats), the panel's rows rowStep apart. The start comes in an array: vectors passed to a
     * method that C2 does not inline are boxed.
     */
    private static void streamBlock2(int from, int to, float[] x, int xAt, float[] panel, int pAt, int rowStep,
                                     float[] start, int startAt, float[] out, int outAt) {
        FloatVector a0 = FloatVector.fromArray(S, start, startAt), a1 = FloatVector.fromArray(S, start, startAt + L);
        for (int k = from, at = pAt + from * rowStep; k < to; k++, at += rowStep) {
            FloatVector v = FloatVector.broadcast(S, x[xAt + k]);
            a0 = v.fma(FloatVector.fromArray(S, panel, at), a0);
            a1 = v.fma(FloatVector.fromArray(S, panel, at + L), a1);
        }
        a0.intoArray(out, outAt);
        a1.intoArray(out, outAt + L);
    }

    /** As {@link #streamBlock2} for one vector of columns. */
    private static void streamBlock1(int from, int to, float[] x, int xAt, float[] panel, int pAt, int rowStep,
                                     float[] start, int startAt, float[] out, int outAt) {
        FloatVector a0 = FloatVector.fromArray(S, start, startAt);
        for (int k = from, at = pAt + from * rowStep; k < to; k++, at += rowStep) {
            a0 = FloatVector.broadcast(S, x[xAt + k]).fma(FloatVector.fromArray(S, panel, at), a0);
        }
        a0.intoArray(out, outAt);
    }

    /**
     * As {@link #streamBlock2} over {@link #STREAM_VECTORS} vectors of consecutive panels of
     * perPanel vectors each (2 or 4), panel j at pAt + j*panelStride: out[0, 8L) holds their
     * columns in order. Each column's sum runs in the same order as in streamBlock2, so the bits
     * are the same; eight independent chains keep the FMA units busy where two wait on each
     * other's latency.
     */
    private static void streamBlock8(int from, int to, float[] x, int xAt, float[] panel, int pAt, int panelStride,
                                     int perPanel, float[] start, int startAt, float[] out, int outAt) {
        FloatVector a0 = FloatVector.fromArray(S, start, startAt), a1 = FloatVector.fromArray(S, start, startAt + L),
                a2 = FloatVector.fromArray(S, start, startAt + 2 * L), a3 = FloatVector.fromArray(S, start, startAt + 3 * L),
                a4 = FloatVector.fromArray(S, start, startAt + 4 * L), a5 = FloatVector.fromArray(S, start, startAt + 5 * L),
                a6 = FloatVector.fromArray(S, start, startAt + 6 * L), a7 = FloatVector.fromArray(S, start, startAt + 7 * L);
        // Vector i of the eight is vector i % perPanel of panel i / perPanel.
        int o1 = offset(1, perPanel, panelStride), o2 = offset(2, perPanel, panelStride), o3 = offset(3, perPanel, panelStride),
                o4 = offset(4, perPanel, panelStride), o5 = offset(5, perPanel, panelStride),
                o6 = offset(6, perPanel, panelStride), o7 = offset(7, perPanel, panelStride);
        int rowStep = perPanel * L;
        for (int k = from, at = pAt + from * rowStep; k < to; k++, at += rowStep) {
            FloatVector v = FloatVector.broadcast(S, x[xAt + k]);
            a0 = v.fma(FloatVector.fromArray(S, panel, at), a0);
            a1 = v.fma(FloatVector.fromArray(S, panel, at + o1), a1);
            a2 = v.fma(FloatVector.fromArray(S, panel, at + o2), a2);
            a3 = v.fma(FloatVector.fromArray(S, panel, at + o3), a3);
            a4 = v.fma(FloatVector.fromArray(S, panel, at + o4), a4);
            a5 = v.fma(FloatVector.fromArray(S, panel, at + o5), a5);
            a6 = v.fma(FloatVector.fromArray(S, panel, at + o6), a6);
            a7 = v.fma(FloatVector.fromArray(S, panel, at + o7), a7);
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

    private static int offset(int vector, int perPanel, int panelStride) {
        return vector / perPanel * panelStride + vector % perPanel * L;
    }
}
