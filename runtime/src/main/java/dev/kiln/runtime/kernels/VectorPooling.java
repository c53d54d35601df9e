package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling on the Vector API, channels as lanes. Forward keeps the winner's index per lane;
 * backward, when windows do not overlap, writes each input cell once: the gradient where the
 * cell won, zero elsewhere, instead of zeroing the input and adding output by output. A channel
 * count that is not a whole number of vectors ends with the last L channels, overlapping the
 * vector before. With the 4 channels past 32 of tf-16-36's second pool in scalar code, a branch
 * per cell, 16 examples took 78-132 µs forward and 99-110 backward; 49-56 both ways this way
 * ({@code ./kiln kernels --filter 'tf-16-36.*maxPool'}, AVX2 Zen 3, runs interleaved).
 */
final class VectorPooling {

    private static final VectorSpecies<Integer> I = S.withLanes(int.class).check(int.class);
    /** 0, 1, 2, ...: lane c of a channel block at index i is element i + c. */
    private static final IntVector LANE_INDEX = IntVector.zero(I).addIndex(1);

    private VectorPooling() {
    }

    /**
     * Same contract, tie and NaN rules as {@link ScalarKernels#maxPoolForward}: the first cell wins
     * ties, the last NaN wins; with argmax null, the values alone.
     */
    static void maxForward(PoolGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argOff) {
        if (tilesWithPairs(g)) {
            maxForwardPairs(g, x, xOff, y, yOff, argmax, argOff);
        } else {
            maxForwardWindows(g, x, xOff, y, yOff, argmax, argOff);
        }
    }

    /** {@link #maxForward} on any window, stride and padding, window by window. */
    private static void maxForwardWindows(PoolGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax,
                                          int argOff) {
        int c = g.channels();
        for (int oh = 0; oh < g.outH(); oh++) {
            int h0 = g.firstRow(oh), h1 = g.endRow(oh);
            for (int ow = 0; ow < g.outW(); ow++) {
                int w0 = g.firstCol(ow), w1 = g.endCol(ow);
                int out = (oh * g.outW() + ow) * c;
                if (h0 >= h1 || w0 >= w1) {                        // a window of padding only
                    java.util.Arrays.fill(y, yOff + out, yOff + out + c, 0f);
                    if (argmax != null) {
                        java.util.Arrays.fill(argmax, argOff + out, argOff + out + c, -1);
                    }
                    continue;
                }
                int ch = 0;
                for (; ch + L <= c; ch += L) {
                    windowMaxVector(g, x, xOff, h0, h1, w0, w1, ch, y, yOff + out + ch, argmax, argOff + out + ch);
                }
                if (ch < c && c >= L) {
                    // Channels past the last whole vector (36 = 4 x 8 + 4): the last L channels
                    // again, overlapping the vector before; its lanes get the same values twice.
                    int last = c - L;
                    windowMaxVector(g, x, xOff, h0, h1, w0, w1, last, y, yOff + out + last, argmax, argOff + out + last);
                    ch = c;
                }
                for (; ch < c; ch++) {       // fewer channels than a vector
                    channelMax(g, x, xOff, h0, h1, w0, w1, ch, y, yOff + out + ch, argmax, argOff + out + ch);
                }
            }
        }
    }

    /**
     * Whether g is the usual 2x2 pool of stride 2 over whole windows (no padding) of at least a
     * vector of channels, which {@link #maxForwardPairs} runs.
     */
    private static boolean tilesWithPairs(PoolGeometry g) {
        return g.kh() == 2 && g.kw() == 2 && g.stride() == 2 && g.padTop() == 0 && g.padLeft() == 0
                && 2 * g.outH() <= g.inH() && 2 * g.outW() <= g.inW() && g.channels() >= L;
    }

    /**
     * The 2x2 windows of {@link #tilesWithPairs}, with the winners of the general loop (so the same
     * bits and indices): each row's pair first, then the bottom pair's winner against the top's.
     * A later cell wins only if strictly larger or NaN, so the first of equal cells and the last
     * NaN win either way; the two pairs are independent, a chain of two comparisons where the
     * cells in turn make three (about 10% of the pool's time). A channel count that is not a whole
     * number of vectors ends with the last L channels, as there.
     */
    private static void maxForwardPairs(PoolGeometry g, float[] x, int xOff, float[] y, int yOff,
                                        int[] argmax, int argOff) {
        int c = g.channels(), rowFloats = g.inW() * c, outW = g.outW();
        int lastBlock = c - L;
        for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0, first = 2 * oh * rowFloats, out = oh * outW * c; ow < outW;
                 ow++, first += 2 * c, out += c) {
                for (int ch = 0; ch < c; ch += L) {
                    int block = Math.min(ch, lastBlock);
                    int top = first + block, bottom = top + rowFloats;
                    FloatVector topLeft = FloatVector.fromArray(S, x, xOff + top);
                    FloatVector topRight = FloatVector.fromArray(S, x, xOff + top + c);
                    FloatVector bottomLeft = FloatVector.fromArray(S, x, xOff + bottom);
                    FloatVector bottomRight = FloatVector.fromArray(S, x, xOff + bottom + c);
                    if (argmax == null) {
                        winner(winner(topLeft, topRight), winner(bottomLeft, bottomRight))
                                .intoArray(y, yOff + out + block);
                        continue;
                    }
                    VectorMask<Float> topWins = wins(topLeft, topRight), bottomWins = wins(bottomLeft, bottomRight);
                    FloatVector topWinner = topLeft.blend(topRight, topWins);
                    FloatVector bottomWinner = bottomLeft.blend(bottomRight, bottomWins);
                    IntVector topArg = LANE_INDEX.add(top).blend(LANE_INDEX.add(top + c), topWins.cast(I));
                    IntVector bottomArg = LANE_INDEX.add(bottom).blend(LANE_INDEX.add(bottom + c), bottomWins.cast(I));
                    VectorMask<Float> bottomTakesOver = wins(topWinner, bottomWinner);
                    FloatVector best = topWinner.blend(bottomWinner, bottomTakesOver);
                    IntVector arg = topArg.blend(bottomArg, bottomTakesOver.cast(I));
                    best.intoArray(y, yOff + out + block);
                    arg.intoArray(argmax, argOff + out + block);
                }
            }
        }
    }

    /**
     * dx = 0, then dx[argmax[i]] += dy[i], as {@link ScalarKernels#maxPoolBackward}. Windows that
     * overlap (stride smaller than the window) can send two gradients to one cell, so they are
     * summed by the scalar loop.
     */
    static void maxBackward(PoolGeometry g, float[] dy, int dyOff, int[] argmax, int argOff, float[] dx, int dxOff,
                            ScalarKernels scalar) {
        int c = g.channels();
        if (g.stride() < g.kh() || g.stride() < g.kw()) {
            scalar.maxPoolBackward(g, dy, dyOff, argmax, argOff, dx, dxOff);
            return;
        }
        zeroUncovered(g, dx, dxOff);
        int full = c - c % L;
        for (int oh = 0; oh < g.outH(); oh++) {
            int h0 = g.firstRow(oh), h1 = g.endRow(oh);
            for (int ow = 0; ow < g.outW(); ow++) {
                int w0 = g.firstCol(ow), w1 = g.endCol(ow);
                int out = (oh * g.outW() + ow) * c;
                for (int ch = 0; ch < full; ch += L) {
                    windowGradient(g, dy, dyOff + out + ch, argmax, argOff + out + ch, h0, h1, w0, w1, ch, dx, dxOff);
                }
                if (full < c && c >= L) {
                    // The last L channels again, as forward: overlapping lanes write the same values.
                    int last = c - L;
                    windowGradient(g, dy, dyOff + out + last, argmax, argOff + out + last, h0, h1, w0, w1, last, dx, dxOff);
                    continue;
                }
                for (int ch = full; ch < c; ch++) {     // fewer channels than a vector, as the lanes
                    int won = argmax[argOff + out + ch];
                    float grad = dy[dyOff + out + ch] + 0f;       // as the reference's 0 + dy: -0 becomes +0
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = w0; iw < w1; iw++) {
                            int idx = (ih * g.inW() + iw) * c + ch;
                            dx[dxOff + idx] = won == idx ? grad : 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Zeroes the input cells no window covers: with windows as wide as their stride, the last rows
     * and columns a VALID pool leaves out (keras-mnist's second pool keeps 10 of 11); all of dx
     * when windows have gaps between them.
     */
    private static void zeroUncovered(PoolGeometry g, float[] dx, int dxOff) {
        int c = g.channels(), rowFloats = g.inW() * c;
        if (g.stride() != g.kh() || g.stride() != g.kw()) {
            java.util.Arrays.fill(dx, dxOff, dxOff + g.inSize(), 0f);
            return;
        }
        int coveredH = Math.min(g.outH() * g.stride() - g.padTop(), g.inH());
        int coveredW = Math.min(g.outW() * g.stride() - g.padLeft(), g.inW());
        for (int ih = 0; ih < coveredH; ih++) {
            java.util.Arrays.fill(dx, dxOff + ih * rowFloats + coveredW * c, dxOff + (ih + 1) * rowFloats, 0f);
        }
        java.util.Arrays.fill(dx, dxOff + coveredH * rowFloats, dxOff + g.inSize(), 0f);
    }

    /** Channels [ch, ch + L) of one window: each cell gets dy in the lanes it won, else 0. */
    private static void windowGradient(PoolGeometry g, float[] dy, int dyAt, int[] argmax, int argAt,
                                       int h0, int h1, int w0, int w1, int ch, float[] dx, int dxOff) {
        int c = g.channels();
        FloatVector grad = FloatVector.fromArray(S, dy, dyAt).add(0f);   // as the reference's 0 + dy: -0 becomes +0
        FloatVector zero = FloatVector.zero(S);
        IntVector won = IntVector.fromArray(I, argmax, argAt).sub(LANE_INDEX);   // the winning cell's base index
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                int idx = (ih * g.inW() + iw) * c + ch;
                zero.blend(grad, won.compare(VectorOperators.EQ, idx).cast(S)).intoArray(dx, dxOff + idx);
            }
        }
    }

    /** One whole vector of channels [ch, ch + L), with its winners' indices unless argmax is null. */
    private static void windowMaxVector(PoolGeometry g, float[] x, int xOff, int h0, int h1, int w0, int w1, int ch,
                                        float[] y, int yAt, int[] argmax, int argAt) {
        if (argmax == null) {
            windowMaxValues(g, x, xOff, h0, h1, w0, w1, ch, y, yAt);
        } else {
            windowMax(g, x, xOff, h0, h1, w0, w1, ch, y, yAt, argmax, argAt);
        }
    }

    /**
     * {@link #windowMax} without the indices, for a prediction (no backward pass reads them): the
     * same winner per lane, so the same bits, in half the vector operations.
     */
    private static void windowMaxValues(PoolGeometry g, float[] x, int xOff, int h0, int h1, int w0, int w1, int ch,
                                        float[] y, int yAt) {
        int c = g.channels(), rowFloats = g.inW() * c;
        int first = (h0 * g.inW() + w0) * c + ch;
        FloatVector best = FloatVector.fromArray(S, x, xOff + first);
        if (h1 - h0 == 2 && w1 - w0 == 2) {     // the usual 2x2 window: its three other cells in row-major order
            for (int cell = 1; cell < 4; cell++) {
                best = winner(best, FloatVector.fromArray(S, x, xOff + first + (cell >> 1) * rowFloats + (cell & 1) * c));
            }
        } else {
            for (int ih = h0, row = first; ih < h1; ih++, row += rowFloats) {
                for (int iw = w0, idx = row; iw < w1; iw++, idx += c) {
                    best = winner(best, FloatVector.fromArray(S, x, xOff + idx));
                }
            }
        }
        best.intoArray(y, yAt);
    }

    /** Per lane, v where it {@link #wins}, else best. */
    private static FloatVector winner(FloatVector best, FloatVector v) {
        return best.blend(v, wins(best, v));
    }

    /** The lanes where a later cell v takes over from best: strictly larger, or NaN (NE is true for NaN only). */
    private static VectorMask<Float> wins(FloatVector best, FloatVector v) {
        return v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v));
    }

    /** One whole vector of channels [ch, ch + L) and the index each lane's winner had. */
    private static void windowMax(PoolGeometry g, float[] x, int xOff, int h0, int h1, int w0, int w1, int ch,
                                  float[] y, int yAt, int[] argmax, int argAt) {
        int c = g.channels(), rowFloats = g.inW() * c;
        int first = (h0 * g.inW() + w0) * c + ch;
        FloatVector best = FloatVector.fromArray(S, x, xOff + first);
        IntVector arg = LANE_INDEX.add(first);
        if (h1 - h0 == 2 && w1 - w0 == 2) {     // the usual 2x2 window: its three other cells in row-major order
            for (int cell = 1; cell < 4; cell++) {
                int idx = first + (cell >> 1) * rowFloats + (cell & 1) * c;
                FloatVector v = FloatVector.fromArray(S, x, xOff + idx);
                VectorMask<Float> wins = wins(best, v);
                best = best.blend(v, wins);
                arg = arg.blend(LANE_INDEX.add(idx), wins.cast(I));
            }
        } else {
            for (int ih = h0, row = first; ih < h1; ih++, row += rowFloats) {
                for (int iw = w0, idx = row; iw < w1; iw++, idx += c) {
                    FloatVector v = FloatVector.fromArray(S, x, xOff + idx);
                    VectorMask<Float> wins = wins(best, v);
                    best = best.blend(v, wins);
                    arg = arg.blend(LANE_INDEX.add(idx), wins.cast(I));
                }
            }
        }
        best.intoArray(y, yAt);
        arg.intoArray(argmax, argAt);
    }

    /** One channel, with the rule of the lanes: strictly larger or NaN wins. */
    private static void channelMax(PoolGeometry g, float[] x, int xOff, int h0, int h1, int w0, int w1, int ch,
                                   float[] y, int yAt, int[] argmax, int argAt) {
        int c = g.channels();
        int best = (h0 * g.inW() + w0) * c + ch;
        float bestValue = x[xOff + best];
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                int idx = (ih * g.inW() + iw) * c + ch;
                float v = x[xOff + idx];
                if (v > bestValue || Float.isNaN(v)) {
                    best = idx;
                    bestValue = v;
                }
            }
        }
        y[yAt] = bestValue;
        if (argmax != null) {
            argmax[argAt] = best;
        }
    }
}
