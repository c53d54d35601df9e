package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.dsl.Activation;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tiles that read packed panels ({@link VectorTiles#packedRows8}, in runs of 8 and of 16, and
 * {@link VectorTiles#packedRows8x2}, {@link VectorTiles#packedRows8x3}, {@link VectorTiles#panelRowsNx2},
 * {@link VectorTiles#panelRows7x1}) against float64 sums: depths from 0 to past an unrolled loop,
 * offsets inside larger arrays, row strides wider than a vector, blocks past the last row, and the
 * cells around each block left as they were, and for the panel tiles a start vector and adding to
 * what was there. The build runs it at 256 and 128 bits too.
 */
class PackedRowsTileTest {

    @Test
    void addsEightRowsOfProductsToWhatWasThere() {
        int l = VectorTiles.L, rows = VectorTiles.PACKED_ROWS;
        Random rnd = new Random(3);
        for (int step : new int[] {rows, 16}) {       // runs of 8 rows, and of 16 whose first 8 are read
            for (int count : new int[] {0, 1, 2, 7, 8, 9, 49, 64, 131}) {
                int aOff = 3, bOff = 5, cOff = 2, cStride = 3 * l + 1, aStep = step;
                float[] a = random(rnd, aOff + count * step + 4), b = random(rnd, bOff + count * l + 4);
                float[] c = random(rnd, cOff + rows * cStride + l), before = c.clone();
                VectorTiles.packedRows8(a, aOff, aStep, b, bOff, count, c, cOff, cStride);
                assertBlock("step " + step + ", count " + count, c, before, true, cOff, cStride, rows, l, count,
                        (row, col, k) -> (double) a[aOff + k * aStep + row] * b[bOff + k * l + col]);
            }
        }
    }

    @Test
    void pairedTileAddsTwoVectorsOfColumnsWithTheBitsOfTwoOneVectorCalls() {
        int l = VectorTiles.L, rows = VectorTiles.PACKED_ROWS;
        Random rnd = new Random(4);
        for (int step : new int[] {rows, 16}) {
            for (int count : new int[] {0, 1, 2, 7, 8, 9, 49, 64, 131}) {
                int aOff = 3, bOff = 5, bOff1 = bOff + count * l + 7, cOff = 2, cStride = 3 * l + 1, aStep = step;
                float[] a = random(rnd, aOff + count * step + 4), b = random(rnd, bOff1 + count * l + 4);
                float[] c = random(rnd, cOff + rows * cStride + 2 * l), before = c.clone(), single = c.clone();
                VectorTiles.packedRows8x2(a, aOff, aStep, b, bOff, bOff1, count, c, cOff, cStride, Float.NaN, c, cOff, cStride);
                assertBlock("step " + step + ", count " + count, c, before, true, cOff, cStride, rows, 2 * l, count,
                        (row, col, k) -> (double) a[aOff + k * aStep + row]
                                * (col < l ? b[bOff + k * l + col] : b[bOff1 + k * l + col - l]));
                VectorTiles.packedRows8(a, aOff, aStep, b, bOff, count, single, cOff, cStride);
                VectorTiles.packedRows8(a, aOff, aStep, b, bOff1, count, single, cOff + l, cStride);
                assertArrayEquals(single, c, "step " + step + ", count " + count + ": not the one-vector tile's bits");
            }
        }
    }

    @Test
    void tripleTileAddsThreeVectorsOfColumnsWithTheBitsOfThreeOneVectorCalls() {
        int l = VectorTiles.L, rows = VectorTiles.PACKED_ROWS;
        Random rnd = new Random(9);
        for (int step : new int[] {rows, 16}) {
            for (int count : new int[] {0, 1, 2, 7, 8, 9, 49, 64, 131}) {
                int aOff = 3, bOff = 5, bOff1 = bOff + count * l + 7, bOff2 = bOff1 + count * l + 2, cOff = 2, cStride = 4 * l + 1;
                float[] a = random(rnd, aOff + count * step + 4), b = random(rnd, bOff2 + count * l + 4);
                float[] c = random(rnd, cOff + rows * cStride + 3 * l), before = c.clone(), single = c.clone();
                VectorTiles.packedRows8x3(a, aOff, step, b, bOff, bOff1, bOff2, count, c, cOff, cStride, Float.NaN, c, cOff, cStride);
                int[] panel = {bOff, bOff1, bOff2};
                assertBlock("step " + step + ", count " + count, c, before, true, cOff, cStride, rows, 3 * l, count,
                        (row, col, k) -> (double) a[aOff + k * step + row] * b[panel[col / l] + k * l + col % l]);
                for (int v = 0; v < 3; v++) {
                    VectorTiles.packedRows8(a, aOff, step, b, panel[v], count, single, cOff + v * l, cStride);
                }
                assertArrayEquals(single, c, "step " + step + ", count " + count + ": not the one-vector tile's bits");
            }
        }
    }

    /** Three, four and five panels: pairs, with a tile of three for an odd count, each panel's columns as one panel alone gives. */
    @Test
    void panelsGoInPairsAndThreesWithTheBitsOfOnePanelAtATime() {
        int l = VectorTiles.L, rows = VectorTiles.PACKED_ROWS;
        Random rnd = new Random(10);
        for (int vectors = 1; vectors <= 5; vectors++) {
            for (boolean relu : new boolean[] {false, true}) {
                int count = 37, aOff = 1, bOff = 4, panelStride = count * l + 3, cOff = 2, cStride = vectors * l + 5, baseOff = 3;
                float[] a = random(rnd, aOff + count * 16 + 8), b = random(rnd, bOff + vectors * panelStride + 4);
                float[] base = random(rnd, baseOff + rows * cStride + vectors * l);
                float[] c = random(rnd, cOff + rows * cStride + vectors * l), single = c.clone();
                float reluFloor = VectorActivations.reluFloor(relu ? Activation.RELU : Activation.NONE);
                VectorTiles.packedRows8Panels(a, aOff, 16, b, bOff, panelStride, count, vectors, base, baseOff, cStride, reluFloor,
                        c, cOff, cStride);
                for (int v = 0; v < vectors; v++) {
                    VectorTiles.packedRows8(a, aOff, 16, b, bOff + v * panelStride, count, base, baseOff + v * l, cStride, reluFloor,
                            single, cOff + v * l, cStride);
                }
                assertArrayEquals(single, c, vectors + " panels, relu " + relu);
            }
        }
    }

    @Test
    void tilesStoreOneBaseRowPlusTheirSumsWithReLUWhenAsked() {
        int l = VectorTiles.L, rows = VectorTiles.PACKED_ROWS;
        Random rnd = new Random(6);
        for (int width : new int[] {l, 2 * l}) {
            for (int count : new int[] {0, 1, 9, 25}) {
                for (boolean relu : new boolean[] {false, true}) {
                    int aOff = 1, bOff = 2, bOff1 = bOff + count * l + 3, cOff = 4, cStride = 2 * l + 3, biasOff = 5;
                    float[] a = random(rnd, aOff + count * 16 + 8), b = random(rnd, bOff1 + count * l + 4);
                    float[] bias = random(rnd, biasOff + 2 * l), c = random(rnd, cOff + rows * cStride + l);
                    float[] before = c.clone();
                    float reluFloor = VectorActivations.reluFloor(relu ? Activation.RELU : Activation.NONE);
                    if (width == l) {
                        VectorTiles.packedRows8(a, aOff, 16, b, bOff, count, bias, biasOff, 0, reluFloor, c, cOff, cStride);
                    } else {
                        VectorTiles.packedRows8x2(a, aOff, 16, b, bOff, bOff1, count, bias, biasOff, 0, reluFloor, c, cOff, cStride);
                    }
                    for (int i = 0; i < c.length; i++) {
                        int row = (i - cOff) / cStride, col = (i - cOff) % cStride;
                        if (i < cOff || row >= rows || col >= width) {
                            assertEquals(before[i], c[i], 0f, "cell " + i + " is outside the block");
                            continue;
                        }
                        double sum = bias[biasOff + col], magnitude = Math.abs(sum);
                        for (int k = 0; k < count; k++) {
                            double t = (double) a[aOff + k * 16 + row] * (col < l ? b[bOff + k * l + col] : b[bOff1 + k * l + col - l]);
                            sum += t;
                            magnitude += Math.abs(t);
                        }
                        double expected = relu ? Math.max(0, sum) : sum;
                        assertEquals(expected, c[i], 0x1p-22 * magnitude + 1e-7,
                                "width " + width + ", count " + count + ", relu " + relu + ", row " + row + ", column " + col);
                    }
                }
            }
        }
    }

    @Test
    void panelTilesStartFromTheirStartAndStoreOrAddTheirRowsAndRepeatTheLast() {
        int l = VectorTiles.L;
        Random rnd = new Random(5);
        for (int width : new int[] {2 * l, l}) {
            int rowsPerCall = width == 2 * l ? VectorTiles.ROWS : TileLoops.TILE;
            for (int depth : new int[] {0, 1, 5, 16, 33}) {
                for (int nRows : new int[] {1, 3, rowsPerCall, rowsPerCall + 2, 12}) {
                    for (boolean add : new boolean[] {false, true}) {
                        int aOff = 4, aStride = depth + 3, bOff = 6, cOff = 3, cStride = width + 5, startOff = 2;
                        float[] a = random(rnd, aOff + nRows * aStride), b = random(rnd, bOff + depth * width + 2);
                        float[] start = random(rnd, startOff + width);
                        float[] c = random(rnd, cOff + nRows * cStride + 4), before = c.clone();
                        for (int r0 = 0; r0 < nRows; r0 += rowsPerCall) {
                            if (width == 2 * l) {
                                VectorTiles.panelRowsNx2(1, 0, 0, 0, a, aOff, aStride, depth, b, bOff, start, startOff, add,
                                        c, cOff, cStride, r0, nRows);
                            } else {
                                VectorTiles.panelRows7x1(1, 0, 0, 0, a, aOff, aStride, depth, b, bOff, start, startOff, add,
                                        c, cOff, cStride, r0, nRows);
                            }
                        }
                        int w = width;
                        // The start is the term at depth k = depth.
                        assertBlock("width " + width + ", depth " + depth + ", rows " + nRows + ", add " + add,
                                c, before, add, cOff, cStride, nRows, width, depth + 1,
                                (row, col, k) -> k == depth ? start[startOff + col]
                                        : (double) a[aOff + row * aStride + k] * b[bOff + k * w + col]);
                    }
                }
            }
        }
    }

    @Test
    void runRowsProductAddsDoubleSumsWithTheBitsOfTheEightRowTile() {
        // The Winograd weight gradient's GEMMs: rows in runs of 8 or 16 (a block of count steps
        // each), one to four vectors of columns, row counts around six and eight. With 16 registers
        // (the build's UseAVX=2 run) pairs of vectors run on six-row tiles whose last rows repeat;
        // the sums, added to c, must be packedRows8's, and the rows past the last untouched.
        int l = VectorTiles.L, eight = VectorTiles.PACKED_ROWS;
        Random rnd = new Random(9);
        for (int run : new int[] {eight, 2 * eight}) {
            for (int vectors = 1; vectors <= 4; vectors++) {
                for (int count : new int[] {0, 1, 7, 64}) {
                    for (int rows : new int[] {5, 6, 7, 8, 13, 24}) {
                        int runs = (rows + run - 1) / run, aOff = 3, bOff = 5, panelStride = count * l + 3, cOff = 2;
                        int cStride = vectors * l + 1, padded = (rows + eight - 1) / eight * eight;
                        float[] a = random(rnd, aOff + runs * run * count + 4), b = random(rnd, bOff + vectors * panelStride + 4);
                        float[] c = random(rnd, cOff + padded * cStride + l), before = c.clone(), eights = c.clone();
                        VectorTiles.runRowsProduct(a, aOff, run, count, rows, b, bOff, panelStride, vectors, c, cOff, cStride);
                        String what = "run " + run + ", " + vectors + " vectors, count " + count + ", rows " + rows;
                        int n = run;
                        assertBlock(what, Arrays.copyOf(c, cOff + rows * cStride), Arrays.copyOf(before, cOff + rows * cStride),
                                true, cOff, cStride, rows, vectors * l, count, (row, col, k) ->
                                        (double) a[aOff + row / n * n * count + row % n + k * n] * b[bOff + col / l * panelStride + k * l + col % l]);
                        for (int r = 0; r < rows; r += eight) {
                            for (int v = 0; v < vectors; v++) {
                                VectorTiles.packedRows8(a, aOff + r / run * run * count + r % run, run, b, bOff + v * panelStride, count,
                                        eights, cOff + r * cStride + v * l, cStride);
                            }
                        }
                        assertArrayEquals(Arrays.copyOf(eights, cOff + rows * cStride), Arrays.copyOf(c, cOff + rows * cStride),
                                what + ": not packedRows8's bits");
                    }
                }
            }
        }
    }

    @Test
    void zeroStartProductMatchesDoubleSumsWithThePanelTilesBits() {
        // Winograd's GEMMs: every panel of a width (two-vector panels, then a one-vector rest where
        // the width is odd in vectors), rows around the fused 6-row tiles, depths short and not a
        // multiple of anything, U's panels a padded depth apart. At 256 bits with 16 registers (the
        // build's UseAVX=2 run) the rows of six run fused across the panels; the bits must be those
        // of panelColumns from zero, and the cells around the block untouched. One to four rows left
        // after the rows of six run two at a time across pairs of panels.
        int l = VectorTiles.L;
        Random rnd = new Random(8);
        for (int width : new int[] {l, 2 * l, 3 * l, 4 * l, 5 * l, 8 * l, 9 * l}) {
            for (int depth : new int[] {1, 7, 32}) {
                for (int nRows : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 16, 49}) {
                    int aOff = 4, aStride = depth + 3, bOff = 6, bDepth = depth + 2, cOff = 3, cStride = width + 5;
                    float[] a = random(rnd, aOff + nRows * aStride), b = random(rnd, bOff + bDepth * width + 2);
                    float[] c = random(rnd, cOff + nRows * cStride + 4), before = c.clone(), tiles = c.clone();
                    VectorTiles.zeroStartProduct(width, a, aOff, aStride, depth, b, bOff, bDepth, c, cOff, cStride, nRows);
                    String what = "width " + width + ", depth " + depth + ", rows " + nRows;
                    int w = width;
                    assertBlock(what, c, before, false, cOff, cStride, nRows, width, depth, (row, col, k) -> {
                        int j0 = VectorTiles.panelStart(col, w), pw = VectorTiles.panelWidth(j0, w);
                        return (double) a[aOff + row * aStride + k] * b[bOff + j0 * bDepth + k * pw + col - j0];
                    });
                    for (int j0 = 0, pw; j0 < width; j0 += pw) {
                        pw = VectorTiles.panelWidth(j0, width);
                        VectorTiles.panelColumns(pw, a, aOff, aStride, depth, b, bOff + j0 * bDepth, new float[4 * l], 0,
                                false, tiles, cOff + j0, cStride, nRows);
                    }
                    assertArrayEquals(tiles, c, what + ": not the bits of panelColumns");
                }
            }
        }
    }

    @Test
    void zeroStartProductsGiveEveryProductTheBitsOfZeroStartProduct() {
        // A Winograd convolution's products, one per transformed position, each a and b and c a
        // stride on from the last with gaps between: the tiles that loop over the products inside
        // (whole row groups of one-, two-, three- and four-vector panels) and the rows left over
        // must write each product's block with zeroStartProduct's bits, and nothing else.
        int l = VectorTiles.L;
        Random rnd = new Random(9);
        for (int width : new int[] {l, 2 * l, 3 * l, 4 * l, 5 * l}) {
            for (int depth : new int[] {1, 7, 16, 32}) {
                for (int nRows : new int[] {1, 2, 5, 6, 7, 8, 12, 13, 14, 15, 16, 49}) {
                    for (int products : new int[] {1, 3}) {
                        int aOff = 4, aStride = depth + 3, bOff = 6, bDepth = depth + 2, cOff = 3, cStride = width + 5;
                        int aNext = nRows * aStride + 5, bNext = bDepth * width + 7, cNext = nRows * cStride + 9;
                        float[] a = random(rnd, aOff + products * aNext), b = random(rnd, bOff + products * bNext + 2);
                        float[] c = random(rnd, cOff + products * cNext + 4), each = c.clone();
                        VectorTiles.zeroStartProducts(products, width, a, aOff, aNext, aStride, depth, b, bOff, bNext, bDepth,
                                c, cOff, cNext, cStride, nRows);
                        for (int p = 0; p < products; p++) {
                            VectorTiles.zeroStartProduct(width, a, aOff + p * aNext, aStride, depth, b, bOff + p * bNext, bDepth,
                                    each, cOff + p * cNext, cStride, nRows);
                        }
                        assertArrayEquals(each, c, "width " + width + ", depth " + depth + ", rows " + nRows + ", products "
                                + products + " (" + VectorTiles.productLoopRows(width, nRows) + " rows in the products loop)");
                    }
                }
            }
        }
    }

    /** The product of one row and column at depth k, in double. */
    private interface Term {
        double at(int row, int col, int k);
    }

    /**
     * Every cell of c: inside the rows x width block at cOff (rows cStride apart), the float64 sum
     * over k < depth of the terms, plus what was there when the tile adds; elsewhere unchanged.
     */
    private static void assertBlock(String what, float[] c, float[] before, boolean adds, int cOff, int cStride,
                                    int rows, int width, int depth, Term term) {
        for (int i = 0; i < c.length; i++) {
            int row = (i - cOff) / cStride, col = (i - cOff) % cStride;
            if (i < cOff || row >= rows || col >= width) {
                assertEquals(before[i], c[i], 0f, what + ": cell " + i + " is outside the block");
                continue;
            }
            double sum = adds ? before[i] : 0, magnitude = Math.abs(sum);
            for (int k = 0; k < depth; k++) {
                double t = term.at(row, col, k);
                sum += t;
                magnitude += Math.abs(t);
            }
            // A float sum of n terms in any order is within n * 2^-24 of the sum of their magnitudes
            // (to first order); 2^-22 alone was short of that at depth 32, on a draw of the rows tested.
            double bound = Math.max(4, depth + 1) * 0x1p-24;
            assertEquals(sum, c[i], bound * magnitude + 1e-7, what + ", row " + row + ", column " + col);
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }
}
