package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The two-vector forward tile {@link VectorTiles#forwardNx2} against double-precision sums, for
 * every pixel count around the tile's rows (the last pixel repeated), from the bias or accumulated
 * into y, with and without ReLU: on a dense layer's rows, and on convolution pixels that wrap from
 * one output row to the next, one call per kernel row as {@link TileLoops#forward} makes them.
 */
class ForwardTileTest {

    @Test
    void denseRowsMatchDoubleSums() {
        Random random = new Random(7);
        for (int rows = 1; rows <= 3 * VectorTiles.ROWS + 1; rows++) {
            for (int depth : new int[] {1, 5, 37}) {
                for (int mode = 0; mode < 4; mode++) {
                    // rows depth + 3 apart: one "row" of pixels as long as the layer
                    check(random, rows, Integer.MAX_VALUE, 0, depth + 3, 1, 0, depth, (mode & 1) != 0, (mode & 2) != 0);
                }
            }
        }
    }

    @Test
    void wrappedConvolutionPixelsOverSeveralTapsMatchDoubleSums() {
        Random random = new Random(11);
        // A 3-tap kernel over output rows of 5 pixels; input rows 7 pixels of 2 floats, stride 1.
        int rowPix = 5, pixJump = 2, rowJump = 7 * pixJump, taps = 3, tapLen = 3 * pixJump;
        for (int pixels = 1; pixels <= 4 * rowPix; pixels++) {
            for (int mode = 0; mode < 4; mode++) {
                check(random, pixels, rowPix, rowJump, pixJump, taps, rowJump, tapLen, (mode & 1) != 0, (mode & 2) != 0);
            }
        }
    }

    private static void check(Random random, int nPix, int rowPix, int rowJump, int pixJump,
                              int taps, int tapJump, int tapLen, boolean accumulate, boolean relu) {
        int wStride = 2 * L + 5, yStride = 2 * L + 2, xOff = 4, wOff = 3, yOff = 1;
        int lastBase = VectorTiles.pixelBase(nPix - 1, rowPix, rowJump, pixJump);
        float[] x = values(random, xOff + lastBase + (taps - 1) * tapJump + tapLen + 3);
        float[] w = values(random, wOff + taps * tapLen * wStride + 2 * L);
        float[] b = values(random, 2 * L + 2);
        float[] y0 = values(random, yOff + nPix * yStride + 2 * L);
        float[] y = y0.clone();
        for (int p = 0; p < nPix; p += VectorTiles.ROWS) {
            for (int tap = 0; tap < taps; tap++) {
                VectorTiles.forwardNx2(x, xOff + tap * tapJump, rowPix, rowJump, pixJump, tapLen,
                        w, wOff + tap * tapLen * wStride, wStride, b, 1, accumulate || tap > 0, relu && tap == taps - 1,
                        y, yOff, yStride, p, nPix);
            }
        }
        String what = nPix + " pixels, " + taps + " taps" + (accumulate ? ", accumulated" : "") + (relu ? ", relu" : "");
        for (int p = 0; p < nPix; p++) {
            int base = xOff + VectorTiles.pixelBase(p, rowPix, rowJump, pixJump);
            for (int c = 0; c < 2 * L; c++) {
                double sum = 0;
                for (int tap = 0; tap < taps; tap++) {
                    for (int t = 0; t < tapLen; t++) {
                        sum += (double) x[base + tap * tapJump + t] * w[wOff + (tap * tapLen + t) * wStride + c];
                    }
                }
                int at = yOff + p * yStride + c;
                double expected = (accumulate ? y0[at] : b[1 + c]) + sum;
                if (relu) {
                    expected = Math.max(0, expected);
                }
                assertEquals(expected, y[at], 1e-5 * (1 + taps * tapLen), what + ", pixel " + p + ", column " + c);
            }
            for (int c = 2 * L; c < yStride && p < nPix - 1; c++) {
                assertEquals(y0[yOff + p * yStride + c], y[yOff + p * yStride + c], what + ": a column past the tile written");
            }
        }
        for (int i = yOff + (nPix - 1) * yStride + 2 * L; i < y.length; i++) {
            assertEquals(y0[i], y[i], what + ": nothing written past the last pixel, at " + i);
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
