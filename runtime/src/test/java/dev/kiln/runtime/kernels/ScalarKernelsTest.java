package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.dsl.Activation;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Checks the reference kernels against small cases worked out by hand (the arithmetic is in the
 * comments), so the implementation every other one is compared with is itself checked.
 */
class ScalarKernelsTest {

    private static final float EXACT = 1e-6f;
    private final Kernels k = new ScalarKernels();

    /** x = [[1,2,3],[4,5,6],[7,8,9]], one channel. */
    private static float[] oneToNine() {
        return new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9};
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    @Test
    void convForwardValidTwoOutputChannels() {
        // 3x3x1 -> 2x2 kernel -> 2x2x2. Layout w[kh][kw][ic][oc]:
        // oc0 = [[1,0],[0,1]] (main diagonal), oc1 = all -1.
        ConvGeometry g = new ConvGeometry(1, 3, 3, 2, 2, 2, 1, 0, 0, 2, 2);
        float[] w = {1, -1, 0, -1, 0, -1, 1, -1};
        float[] b = {0.5f, 20f};
        float[] y = filled(8, 99f);
        k.convForward(g, Activation.RELU, oneToNine(), 0, w, b, y, 0);
        // oc0: 1+5, 2+6, 4+8, 5+9, plus 0.5; oc1: 20 - (1+2+4+5), 20-16, 20-24, 20-28, then ReLU.
        assertArrayEquals(new float[] {6.5f, 8f, 8.5f, 4f, 12.5f, 0f, 14.5f, 0f}, y, EXACT);
    }

    @Test
    void convForwardSameStrideTwoPadsOnlyBottomRight() {
        // SAME, 3x3 in, 2x2 kernel, stride 2: out 2x2, total pad 1, all of it after (padTop 0).
        ConvGeometry g = new ConvGeometry(1, 3, 3, 1, 2, 2, 2, 0, 0, 2, 2);
        float[] y = new float[4];
        k.convForward(g, Activation.NONE, oneToNine(), 0, filled(4, 1f), new float[1], y, 0);
        // windows: {1,2,4,5}, {3,6}, {7,8}, {9}
        assertArrayEquals(new float[] {12, 9, 15, 9}, y, EXACT);
    }

    @Test
    void convForwardPadTopLeftUsesTheRightTaps() {
        // 2x2 in [[1,2],[3,4]], 3x3 kernel with taps 1..9 row-major, pad 1: out 2x2.
        ConvGeometry g = new ConvGeometry(1, 2, 2, 1, 3, 3, 1, 1, 1, 2, 2);
        float[] w = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] y = new float[4];
        k.convForward(g, Activation.NONE, new float[] {1, 2, 3, 4}, 0, w, new float[1], y, 0);
        // y(0,0): x(0,0)*w(1,1) + x(0,1)*w(1,2) + x(1,0)*w(2,1) + x(1,1)*w(2,2) = 5+12+24+36
        // y(0,1): 1*w(1,0) + 2*w(1,1) + 3*w(2,0) + 4*w(2,1) = 4+10+21+32
        // y(1,0): 1*w(0,1) + 2*w(0,2) + 3*w(1,1) + 4*w(1,2) = 2+6+15+24
        // y(1,1): 1*w(0,0) + 2*w(0,1) + 3*w(1,0) + 4*w(1,1) = 1+4+12+20
        assertArrayEquals(new float[] {77, 67, 47, 37}, y, EXACT);
    }

    @Test
    void convForwardSumsInputChannelsAndHonoursOffsets() {
        // 1x1 conv, x = [2,3] at offset 1, w[ic][oc] = [[1,2,3],[4,5,6]], written at offset 2.
        ConvGeometry g = new ConvGeometry(2, 1, 1, 3, 1, 1, 1, 0, 0, 1, 1);
        float[] w = {1, 2, 3, 4, 5, 6};
        float[] y = filled(5, -7f);
        k.convForward(g, Activation.NONE, new float[] {100, 2, 3}, 1, w, new float[] {0, 0, 1}, y, 2);
        assertArrayEquals(new float[] {-7, -7, 14, 19, 25}, y, EXACT);
    }

    @Test
    void convBackwardInputOverwritesAndSumsOverWindowsAndChannels() {
        // 3x3x1 -> 2x2 kernel -> 2x2x2. oc0 taps [[1,2],[3,4]], dz oc0 = 1 everywhere;
        // oc1 taps all 10, dz oc1 = 1 only at output (1,1).
        ConvGeometry g = new ConvGeometry(1, 3, 3, 2, 2, 2, 1, 0, 0, 2, 2);
        float[] w = {1, 10, 2, 10, 3, 10, 4, 10};
        float[] dz = {1, 0, 1, 0, 1, 0, 1, 1};
        float[] dx = filled(9, 42f);
        k.convBackwardInput(g, dz, 0, w, dx, 0);
        // oc0 alone: [[1, 1+2, 2], [1+3, 1+2+3+4, 2+4], [3, 3+4, 4]];
        // oc1 adds 10 to the window of output (1,1): input (1,1), (1,2), (2,1), (2,2).
        assertArrayEquals(new float[] {1, 3, 2, 4, 20, 16, 3, 17, 14}, dx, EXACT);
    }

    @Test
    void convBackwardWeightsAccumulates() {
        ConvGeometry g = new ConvGeometry(1, 3, 3, 2, 2, 2, 1, 0, 0, 2, 2);
        float[] dz = {1, 0, 1, 0, 1, 0, 1, 2};
        float[] dw = filled(8, 1f);
        float[] db = filled(2, 1f);
        k.convBackwardWeights(g, 1, oneToNine(), 0, dz, 0, dw, db);
        // oc0: tap (kh,kw) sums x over the 2x2 block starting at (kh,kw): 12, 16, 24, 28.
        // oc1: 2 * x(1+kh, 1+kw): 10, 12, 16, 18. Each plus the 1 already there.
        assertArrayEquals(new float[] {13, 11, 17, 13, 25, 17, 29, 19}, dw, EXACT);
        assertArrayEquals(new float[] {5, 3}, db, EXACT);
    }

    @Test
    void denseForwardAndActivations() {
        // x = [[1,2,3],[-1,0,1]], w[i][o] = [[1,2],[3,4],[5,6]], b = [0.5, -30]
        float[] x = {1, 2, 3, -1, 0, 1};
        float[] w = {1, 2, 3, 4, 5, 6};
        float[] b = {0.5f, -30f};
        float[] y = new float[4];
        k.denseForward(2, 3, 2, Activation.NONE, x, 0, w, b, y, 0);
        // row0: 1+6+15+0.5, 2+8+18-30; row1: -1+5+0.5, -2+6-30
        assertArrayEquals(new float[] {22.5f, -2f, 4.5f, -26f}, y, EXACT);
        k.denseForward(2, 3, 2, Activation.RELU, x, 0, w, b, y, 0);
        assertArrayEquals(new float[] {22.5f, 0f, 4.5f, 0f}, y, EXACT);

        float[] one = {1f};
        float[] out = new float[1];
        k.denseForward(1, 1, 1, Activation.SIGMOID, new float[] {0f}, 0, one, new float[1], out, 0);
        assertEquals(0.5f, out[0], EXACT);
        k.denseForward(1, 1, 1, Activation.SIGMOID, new float[] {2f}, 0, one, new float[1], out, 0);
        assertEquals(1 / (1 + Math.exp(-2)), out[0], EXACT);
        k.denseForward(1, 1, 1, Activation.TANH, new float[] {-0.5f}, 0, one, new float[1], out, 0);
        assertEquals(Math.tanh(-0.5), out[0], EXACT);
    }

    @Test
    void denseBackwardInputOverwrites() {
        float[] w = {1, 2, 3, 4, 5, 6};
        float[] dz = {1, 0, 0, 2};
        float[] dx = filled(6, 9f);
        k.denseBackwardInput(2, 3, 2, dz, 0, w, dx, 0);
        // row0 = column 0 of w; row1 = 2 * column 1
        assertArrayEquals(new float[] {1, 3, 5, 4, 8, 12}, dx, EXACT);
    }

    @Test
    void denseBackwardWeightsAccumulates() {
        float[] x = {1, 2, 3, -1, 0, 1};
        float[] dz = {1, 0, 0, 2};
        float[] dw = filled(6, 1f);
        float[] db = {1, 1};
        k.denseBackwardWeights(2, 3, 2, x, 0, dz, 0, dw, db);
        // dw[i][0] = x0[i] = 1,2,3; dw[i][1] = 2 * x1[i] = -2,0,2; plus 1
        assertArrayEquals(new float[] {2, -1, 3, 1, 4, 3}, dw, EXACT);
        assertArrayEquals(new float[] {2, 3}, db, EXACT);
    }

    /** 3x3x2: channel 0 = [[1,5,2],[3,4,9],[8,6,7]], channel 1 = its negation. */
    private static float[] twoChannelPoolInput() {
        float[] c0 = {1, 5, 2, 3, 4, 9, 8, 6, 7};
        float[] x = new float[18];
        for (int p = 0; p < 9; p++) {
            x[2 * p] = c0[p];
            x[2 * p + 1] = -c0[p];
        }
        return x;
    }

    @Test
    void maxPoolForwardIgnoresPaddingAndRecordsArgmax() {
        // 2x2/2 SAME on 3x3: windows {0,1,3,4}, {2,5}, {6,7}, {8} (pixel numbers).
        PoolGeometry g = new PoolGeometry(2, 3, 3, 2, 2, 2, 0, 0, 2, 2);
        float[] y = new float[8];
        int[] argmax = new int[9];
        k.maxPoolForward(g, twoChannelPoolInput(), 0, y, 0, argmax, 1);
        // channel 0: 5 (pixel 1), 9 (pixel 5), 8 (pixel 6), 7 (pixel 8);
        // channel 1: -1 (pixel 0), -2 (pixel 2; the padding does not count as 0), -6 (pixel 7), -7.
        assertArrayEquals(new float[] {5, -1, 9, -2, 8, -6, 7, -7}, y, EXACT);
        assertArrayEquals(new int[] {0, 2, 1, 10, 5, 12, 15, 16, 17}, argmax);
    }

    @Test
    void maxPoolTieGoesToFirstCell() {
        PoolGeometry g = new PoolGeometry(1, 2, 2, 2, 2, 2, 0, 0, 1, 1);
        float[] y = new float[1];
        int[] argmax = new int[1];
        k.maxPoolForward(g, new float[] {3, 3, 3, 3}, 0, y, 0, argmax, 0);
        assertEquals(0, argmax[0]);
    }

    @Test
    void maxPoolBackwardRoutesAndAddsSharedWinners() {
        PoolGeometry g = new PoolGeometry(1, 2, 2, 2, 2, 1, 0, 0, 2, 1);
        float[] dx = filled(4, 5f);
        // two outputs whose winner is the same input cell 3
        k.maxPoolBackward(g, new float[] {0, 1.5f, 2f}, 1, new int[] {3, 3}, 0, dx, 0);
        assertArrayEquals(new float[] {0, 0, 0, 3.5f}, dx, EXACT);
    }

    @Test
    void avgPoolForwardDividesByCellsInside() {
        PoolGeometry g = new PoolGeometry(1, 3, 3, 2, 2, 2, 0, 0, 2, 2);
        float[] y = new float[4];
        k.avgPoolForward(g, oneToNine(), 0, y, 0);
        // (1+2+4+5)/4, (3+6)/2, (7+8)/2, 9/1
        assertArrayEquals(new float[] {3, 4.5f, 7.5f, 9}, y, EXACT);
    }

    @Test
    void avgPoolGlobalWindow() {
        PoolGeometry g = new PoolGeometry(2, 3, 3, 3, 3, 1, 0, 0, 1, 1);
        float[] y = new float[2];
        k.avgPoolForward(g, twoChannelPoolInput(), 0, y, 0);
        assertArrayEquals(new float[] {45f / 9, -45f / 9}, y, EXACT);
    }

    @Test
    void avgPoolBackwardSpreadsOverCellsInside() {
        PoolGeometry g = new PoolGeometry(1, 3, 3, 2, 2, 2, 0, 0, 2, 2);
        float[] dx = filled(9, 7f);
        k.avgPoolBackward(g, new float[] {4, 2, 6, 1}, 0, dx, 0);
        // 4/4 over the top-left 2x2, 2/2 over (0,2),(1,2), 6/2 over (2,0),(2,1), 1 to (2,2)
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 3, 3, 1}, dx, EXACT);
    }

    @Test
    void activationBackwardFormulas() {
        float[] y = {9, 2, 0, -1};
        float[] dy = {9, 3, 4, 5};
        k.activationBackward(Activation.RELU, y, dy, 1, 3);
        assertArrayEquals(new float[] {9, 3, 0, 0}, dy, EXACT);    // index 0 is outside the range

        float[] ys = {0.25f};
        float[] dys = {2f};
        k.activationBackward(Activation.SIGMOID, ys, dys, 0, 1);
        assertEquals(2 * 0.25f * 0.75f, dys[0], EXACT);

        float[] yt = {0.5f};
        float[] dyt = {2f};
        k.activationBackward(Activation.TANH, yt, dyt, 0, 1);
        assertEquals(2 * (1 - 0.25f), dyt[0], EXACT);

        float[] dyn = {-3f};
        k.activationBackward(Activation.NONE, new float[] {-8f}, dyn, 0, 1);
        assertEquals(-3f, dyn[0], EXACT);
    }

    // ---- NaN and infinities, as PyTorch treats them ----

    @Test
    void reluKeepsNaNAndInfinitiesAndTurnsNegativeZeroPositive() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        float[] x = {nan, inf, -inf, -0f, -2f, 3f};
        float[] y = new float[6];
        k.denseForward(6, 1, 1, Activation.RELU, x, 0, new float[] {1f}, new float[1], y, 0);
        assertArrayEquals(new float[] {nan, inf, 0f, 0f, 0f, 3f}, y);     // bitwise: +0.0, not -0.0
    }

    @Test
    void reluGradientPassesWhereTheOutputIsNaNAsPyTorchDoes() {
        // PyTorch's threshold backward: y <= 0 ? 0 : dy.
        float[] y = {Float.NaN, 0f, 1f, 1f, -0f};
        float[] dy = {2f, 3f, Float.NaN, Float.NEGATIVE_INFINITY, Float.NaN};
        k.activationBackward(Activation.RELU, y, dy, 0, 5);
        assertArrayEquals(new float[] {2f, 0f, Float.NaN, Float.NEGATIVE_INFINITY, 0f}, dy);
    }

    @Test
    void maxPoolWindowWithNaNGivesNaNAndRoutesToTheLastNaN() {
        // one 2x2 window per channel; channel 0: [1, NaN; 3, NaN], channel 1: [-inf, -inf; -inf, -inf]
        PoolGeometry g = new PoolGeometry(2, 2, 2, 2, 2, 2, 0, 0, 1, 1);
        float nan = Float.NaN, ninf = Float.NEGATIVE_INFINITY;
        float[] x = {1, ninf, nan, ninf, 3, ninf, nan, ninf};
        float[] y = new float[2];
        int[] argmax = new int[2];
        k.maxPoolForward(g, x, 0, y, 0, argmax, 0);
        assertArrayEquals(new float[] {nan, ninf}, y);
        assertArrayEquals(new int[] {6, 1}, argmax);        // the last NaN; the first of equal -infs
        float[] dx = filled(8, 9f);
        k.maxPoolBackward(g, new float[] {5f, 7f}, 0, argmax, 0, dx, 0);
        assertArrayEquals(new float[] {0, 7, 0, 0, 0, 0, 5, 0}, dx, EXACT);
    }

    @Test
    void maxPoolNaNBeforeALargerValueStillWins() {
        PoolGeometry g = new PoolGeometry(1, 1, 3, 1, 3, 1, 0, 0, 1, 1);
        float[] y = new float[1];
        int[] argmax = new int[1];
        k.maxPoolForward(g, new float[] {Float.NaN, Float.POSITIVE_INFINITY, 2f}, 0, y, 0, argmax, 0);
        assertArrayEquals(new float[] {Float.NaN}, y);
        assertArrayEquals(new int[] {0}, argmax);
    }

    @Test
    void packedDenseOnTheScalarPathIsThePlainComputation() {
        // y = x . w + b with x = [1, 2], w = [[1, 2, 3], [4, 5, 6]], b = [0.5, 0, -1]
        float[] w = {1, 2, 3, 4, 5, 6};
        float[] packed = new float[k.packedDenseSize(2, 3)];
        k.packDenseWeights(2, 3, w, packed);
        float[] inParts = new float[packed.length];
        k.packDenseWeights(2, 3, w, inParts, 1, 2);
        k.packDenseWeights(2, 3, w, inParts, 0, 2);
        assertArrayEquals(packed, inParts, 0f);
        float[] y = new float[3];
        k.denseForwardPacked(1, 2, 3, Activation.NONE, new float[] {1, 2}, 0, packed, new float[] {0.5f, 0, -1}, y, 0);
        assertArrayEquals(new float[] {9.5f, 12f, 14f}, y, EXACT);
    }

    @Test
    void packedConvInputGradientOnTheScalarPathIsThePlainComputation() {
        ConvGeometry g = new ConvGeometry(1, 3, 3, 2, 2, 2, 1, 0, 0, 2, 2);
        float[] w = {1, -1, 0, -1, 0, -1, 1, -1};
        float[] dz = {1, 0, 2, 1, 0, 3, -1, 2};
        float[] packed = new float[k.packedConvSize(g)];
        k.packConvWeights(g, w, packed);
        float[] expected = new float[9], actual = new float[9];
        k.convBackwardInput(g, dz, 0, w, expected, 0);
        k.convBackwardInputPacked(g, dz, 0, packed, actual, 0);
        assertArrayEquals(expected, actual, 0f);
    }
}
