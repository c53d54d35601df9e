package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorTiles#packedRows8} against float64 sums: depths from 0 to past an unrolled loop,
 * offsets inside larger arrays, a row stride wider than a vector, and the cells around each row
 * left as they were. The build runs it at 256 and 128 bits too.
 */
class PackedRowsTileTest {

    @Test
    void addsEightRowsOfProductsToWhatWasThere() {
        int l = VectorTiles.L, rows = VectorTiles.PACKED_ROWS;
        Random rnd = new Random(3);
        for (int count : new int[] {0, 1, 2, 7, 8, 9, 49, 64, 131}) {
            int aOff = 3, bOff = 5, cOff = 2, cStride = 3 * l + 1;
            float[] a = random(rnd, aOff + count * rows + 4), b = random(rnd, bOff + count * l + 4);
            float[] c = random(rnd, cOff + rows * cStride + l), before = c.clone();
            VectorTiles.packedRows8(a, aOff, b, bOff, count, c, cOff, cStride);
            for (int i = 0; i < c.length; i++) {
                int row = (i - cOff) / cStride, lane = (i - cOff) % cStride;
                if (i < cOff || row >= rows || lane >= l) {
                    assertEquals(before[i], c[i], 0f, "count " + count + ": cell " + i + " is outside the block");
                    continue;
                }
                double sum = 0, magnitude = 0;
                for (int k = 0; k < count; k++) {
                    double term = (double) a[aOff + k * rows + row] * b[bOff + k * l + lane];
                    sum += term;
                    magnitude += Math.abs(term);
                }
                double expected = before[i] + sum;
                double tolerance = 0x1p-22 * (magnitude + Math.abs(before[i])) + 1e-7;
                assertEquals(expected, c[i], tolerance, "count " + count + ", row " + row + ", lane " + lane);
            }
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }
}
