package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The rows-only tile {@link VectorTiles#denseNx2} gives forwardNx2's bits on the same product (one
 * tap, rows a stride apart), and both are within float rounding of a double-precision sum: for
 * every row count around the tile's (the repeated last row), from the bias or accumulated into y,
 * with and without ReLU.
 */
class DenseTileTest {

    @Test
    void sameBitsAsTheGeneralTileAndCloseToDoubleSums() {
        Random random = new Random(7);
        for (int rows = 1; rows <= 3 * VectorTiles.ROWS + 1; rows++) {
            for (int depth : new int[] {1, 5, 37}) {
                for (int mode = 0; mode < 4; mode++) {
                    boolean accumulate = (mode & 1) != 0, relu = (mode & 2) != 0;
                    check(random, rows, depth, accumulate, relu);
                }
            }
        }
    }

    private static void check(Random random, int rows, int depth, boolean accumulate, boolean relu) {
        int xStride = depth + 3, wStride = 2 * L + 5, yStride = 2 * L + 2, xOff = 4, wOff = 3, yOff = 1;
        float[] x = values(random, xOff + rows * xStride);
        float[] w = values(random, wOff + depth * wStride + 2 * L);
        float[] b = values(random, 2 * L + 2);
        float[] y0 = values(random, yOff + rows * yStride + 2 * L);
        float[] general = y0.clone(), dense = y0.clone();
        for (int p = 0; p < rows; p += VectorTiles.ROWS) {
            VectorTiles.forwardNx2(x, xOff, Integer.MAX_VALUE, 0, xStride, 1, 0, depth, w, wOff, wStride,
                    b, 1, accumulate, relu, general, yOff, yStride, p, rows);
            VectorTiles.denseNx2(x, xOff, xStride, depth, w, wOff, wStride,
                    b, 1, accumulate, relu, dense, yOff, yStride, p, rows);
        }
        String what = rows + " rows, depth " + depth + (accumulate ? ", accumulated" : "") + (relu ? ", relu" : "");
        assertArrayEquals(general, dense, what);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < 2 * L; c++) {
                double sum = 0;
                for (int t = 0; t < depth; t++) {
                    sum += (double) x[xOff + r * xStride + t] * w[wOff + t * wStride + c];
                }
                int at = yOff + r * yStride + c;
                double expected = accumulate ? y0[at] + sum : b[1 + c] + sum;
                if (relu) {
                    expected = Math.max(0, expected);
                }
                assertEquals(expected, dense[at], 1e-5 * (1 + depth), what + ", row " + r + ", column " + c);
            }
        }
        for (int i = yOff + rows * yStride - (yStride - 2 * L); i < dense.length; i++) {
            assertEquals(y0[i], dense[i], what + ": nothing written past the last row, at " + i);
        }
    }

    private static float[] values(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }
}
