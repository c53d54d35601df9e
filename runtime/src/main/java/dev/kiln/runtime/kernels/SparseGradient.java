package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import jdk.incubator.vector.FloatVector;

/**
 * A dense layer's input gradient dx = dz . w^T that skips the zeros of dz. Dropout and ReLU zero
 * most of the gradient reaching a hidden layer in training (tf-mnist's fc1: dropout 0.5 after a
 * ReLU leaves about a quarter of dz non-zero), and a multiply-add by zero changes nothing, so each
 * row of dx sums over its own non-zero outputs only.
 *
 * <p>The result has the bits of the dense tiles ({@link PackedDense}): the same fused multiply-adds
 * in the same order, the depth in blocks of {@link VectorDense#K_BLOCK} (the first from zero, each
 * later one from zero and then added), minus terms that are exactly zero. A sum that starts at +0
 * never becomes -0 by adding, so adding 0 * w (+0 or -0) leaves every partial sum as it was. The
 * one difference: an infinite or NaN weight times a zero gradient makes NaN in the dense product
 * and nothing here.
 *
 * <p>Row by row rather than in tiles of rows: rows have different non-zero outputs, so the weight
 * rows cannot be shared. Each non-zero value is broadcast against 4 column blocks of w^T (8
 * vectors, 8 independent sums to cover the FMA latency), a depth block of which stays in L2 while
 * every row passes. Each non-zero costs 8 loads from L2 for 8 multiply-adds, against 2 loads for 12
 * in the dense tiles, so skipping zeros pays only when few remain: see {@link #MAX_DENSITY}.
 */
final class SparseGradient {

    /**
     * Below this share of non-zero values in dz the sparse product is used. Measured with
     * {@code ./kiln kernels --filter 'fc1.*dx packed'} on AVX2 Zen 3, tf-mnist's fc1 at 64 rows:
     * 9.3 ms sparse at a quarter non-zero against 9.5-10.8 ms for the dense tiles, and the sparse
     * time grows with the non-zeros, so the two cost the same near a quarter. The threshold sits
     * away from the shares real layers have, a quarter under ReLU and dropout 0.5 and a half under
     * ReLU alone, so that a layer keeps to one path from step to step: at a quarter, tf-mnist's
     * fc1 took the dense path in its first step and the sparse one in its second, whose kernels
     * then ran interpreted for the first time and allocated 20-80 MB (StartupTest).
     */
    static final double MAX_DENSITY = 0.35;
    /** Columns of dx one pass covers: 4 blocks of 2L. */
    static final int GROUP = 8 * L;

    private SparseGradient() {
    }

    /**
     * Lists the non-zero positions of each of the rows x depth values of dz in index: row r's are
     * index[starts + r] .. index[starts + r + 1] - 1 (positions, ascending, at index[rows + 1 ..]).
     * Returns how many there are.
     */
    static int listNonZeros(int rows, int depth, float[] dz, int dzOff, int[] index) {
        int n = rows + 1;
        for (int r = 0; r < rows; r++) {
            index[r] = n;
            for (int o = 0, at = dzOff + r * depth; o < depth; o++, at++) {
                if (dz[at] != 0f) {             // NaN is kept: it must reach dx
                    index[n++] = o;
                }
            }
        }
        index[rows] = n;
        return n - rows - 1;
    }

    /**
     * dx[r][c0, c0 + GROUP) for every row, where column block b (2L columns of w^T, depth rows)
     * starts at panels[pAt + b * depth * 2L], the layout of {@link PackedDense}. Depth block by
     * depth block, every row in each: the block's rows of the 4 column blocks (K_BLOCK x 8L
     * floats, 64 KB on AVX2) stay in L2 while every row passes. Row by row through the whole
     * depth, the 4 blocks (512 KB for tf-mnist's fc1) did not, and the sparse product of fc1 took
     * 13 ms a training step against 9 ms for the dense tiles that multiply by every zero.
     */
    static void group(int rows, int depth, float[] dz, int dzOff, int[] index, float[] panels, int pAt,
                      float[] dx, int dxAt, int dxStride) {
        int[] cursor = Scratch.ints(Scratch.CURSORS, rows);
        System.arraycopy(index, 0, cursor, 0, rows);
        for (int k0 = 0; k0 < depth; k0 += VectorDense.K_BLOCK) {
            int kEnd = Math.min(k0 + VectorDense.K_BLOCK, depth);
            for (int r = 0; r < rows; r++) {
                cursor[r] = block(dz, dzOff + r * depth, index, cursor[r], index[r + 1], kEnd, k0 > 0, depth,
                        panels, pAt, dx, dxAt + r * dxStride);
            }
        }
    }

    /**
     * One row's part of a depth block: the positions index[from, to) of the row dz[zAt..] that lie
     * below kEnd, summed from zero, then added to dx[at..] when later is set (a later block of the
     * depth, as the tiles add it) or else stored. Returns the first position not taken.
     */
    private static int block(float[] dz, int zAt, int[] index, int from, int to, int kEnd, boolean later, int depth,
                             float[] panels, int pAt, float[] dx, int at) {
        int blockStride = depth * 2 * L;
        int p1 = pAt + blockStride, p2 = p1 + blockStride, p3 = p2 + blockStride;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int i = from;
        for (; i < to && index[i] < kEnd; i++) {
            int o = index[i], w = o * 2 * L;
            FloatVector v = FloatVector.broadcast(S, dz[zAt + o]);
            a0 = v.fma(FloatVector.fromArray(S, panels, pAt + w), a0);
            a1 = v.fma(FloatVector.fromArray(S, panels, pAt + w + L), a1);
            a2 = v.fma(FloatVector.fromArray(S, panels, p1 + w), a2);
            a3 = v.fma(FloatVector.fromArray(S, panels, p1 + w + L), a3);
            a4 = v.fma(FloatVector.fromArray(S, panels, p2 + w), a4);
            a5 = v.fma(FloatVector.fromArray(S, panels, p2 + w + L), a5);
            a6 = v.fma(FloatVector.fromArray(S, panels, p3 + w), a6);
            a7 = v.fma(FloatVector.fromArray(S, panels, p3 + w + L), a7);
        }
        if (later) {
            a0 = a0.add(FloatVector.fromArray(S, dx, at));
            a1 = a1.add(FloatVector.fromArray(S, dx, at + L));
            a2 = a2.add(FloatVector.fromArray(S, dx, at + 2 * L));
            a3 = a3.add(FloatVector.fromArray(S, dx, at + 3 * L));
            a4 = a4.add(FloatVector.fromArray(S, dx, at + 4 * L));
            a5 = a5.add(FloatVector.fromArray(S, dx, at + 5 * L));
            a6 = a6.add(FloatVector.fromArray(S, dx, at + 6 * L));
            a7 = a7.add(FloatVector.fromArray(S, dx, at + 7 * L));
        }
        a0.intoArray(dx, at);
        a1.intoArray(dx, at + L);
        a2.intoArray(dx, at + 2 * L);
        a3.intoArray(dx, at + 3 * L);
        a4.intoArray(dx, at + 4 * L);
        a5.intoArray(dx, at + 5 * L);
        a6.intoArray(dx, at + 6 * L);
        a7.intoArray(dx, at + 7 * L);
        return i;
    }
}
