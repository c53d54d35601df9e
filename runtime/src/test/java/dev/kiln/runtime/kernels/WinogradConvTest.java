package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.Activation;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Winograd F(2x2, 5x5), F(2x2, 3x3) and F(2x2, 2x2) convolutions against plain loops: the algorithms' identity
 * on the transform matrices, then the forward pass and the input gradient of {@link WinogradConv} on
 * odd sizes (partial tiles), SAME and VALID padding and channel counts that are not whole vectors,
 * checked against a float64 direct convolution. The build runs this class at 256 and 128 bits too.
 */
class WinogradConvTest {

    /**
     * Geometries (inC, inH, inW, outC, k, k, 1, padTop, padLeft, outH, outW): tf-mnist's conv2,
     * odd sides (a partial last tile), asymmetric SAME, VALID, channels that are not whole vectors,
     * last input rows and columns that no window reads while others read padding, and more input
     * channels than the transforms' blocks of 256; then the same cases with 3x3 kernels (lenet-like's
     * conv2 and conv3, emotion's conv2, keras-mnist's VALID conv2) and with 2x2 kernels (pytorch-mnist's
     * conv2). Among them, 24 output channels over whole tiles: the gradient read in place, its last
     * 8 channels half a 512-bit vector at the end of the array; and odd sides over whole vectors of
     * channels, whose partial tiles write to the output through a tile of scratch.
     */
    static final List<ConvGeometry> GEOMETRIES = List.of(
            new ConvGeometry(32, 14, 14, 64, 5, 5, 1, 2, 2, 14, 14),
            new ConvGeometry(16, 14, 14, 36, 5, 5, 1, 2, 2, 14, 14),
            new ConvGeometry(3, 9, 11, 20, 5, 5, 1, 2, 2, 9, 11),
            new ConvGeometry(9, 7, 7, 17, 5, 5, 1, 1, 2, 4, 5),
            new ConvGeometry(9, 8, 8, 17, 5, 5, 1, 1, 2, 3, 5),
            new ConvGeometry(20, 13, 12, 8, 5, 5, 1, 0, 0, 9, 8),
            new ConvGeometry(1, 6, 5, 1, 5, 5, 1, 4, 3, 6, 5),
            new ConvGeometry(40, 5, 5, 33, 5, 5, 1, 0, 0, 1, 1),
            new ConvGeometry(260, 6, 6, 3, 5, 5, 1, 0, 0, 2, 2),
            new ConvGeometry(16, 8, 8, 24, 5, 5, 1, 2, 2, 8, 8),
            new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 1, 1, 14, 14),
            new ConvGeometry(64, 7, 7, 128, 3, 3, 1, 1, 1, 7, 7),
            new ConvGeometry(32, 24, 24, 64, 3, 3, 1, 1, 1, 24, 24),
            new ConvGeometry(32, 13, 13, 64, 3, 3, 1, 0, 0, 11, 11),
            new ConvGeometry(3, 9, 11, 20, 3, 3, 1, 1, 1, 9, 11),
            new ConvGeometry(16, 9, 11, 32, 3, 3, 1, 1, 1, 9, 11),
            new ConvGeometry(9, 8, 8, 17, 3, 3, 1, 0, 1, 6, 7),
            new ConvGeometry(1, 4, 3, 1, 3, 3, 1, 2, 1, 4, 3),
            new ConvGeometry(40, 3, 3, 33, 3, 3, 1, 0, 0, 1, 1),
            new ConvGeometry(260, 4, 4, 3, 3, 3, 1, 0, 0, 2, 2),
            new ConvGeometry(16, 8, 8, 24, 3, 3, 1, 1, 1, 8, 8),
            new ConvGeometry(32, 13, 13, 64, 2, 2, 1, 0, 0, 12, 12),
            new ConvGeometry(3, 9, 11, 20, 2, 2, 1, 1, 0, 9, 10),
            new ConvGeometry(9, 7, 7, 17, 2, 2, 1, 1, 1, 8, 8),
            new ConvGeometry(1, 3, 2, 1, 2, 2, 1, 1, 1, 4, 3),
            new ConvGeometry(260, 3, 3, 3, 2, 2, 1, 0, 0, 2, 2));

    @Test
    void transformsComputeTheCorrelationExactly() {
        for (WinogradTransforms t : List.of(WinogradTransforms.F2X2_5X5, WinogradTransforms.F2X2_3X3, WinogradTransforms.F2X2_2X2,
                WinogradTransforms.F4X4_3X3, WinogradTransforms.F4X4_5X5, WinogradTransforms.F4X4_2X2)) {
            Random rnd = new Random(1);
            int alpha = t.alpha, r = t.r;
            double[][] d = new double[alpha][alpha], g = new double[r][r];
            for (double[] row : d) for (int i = 0; i < alpha; i++) row[i] = rnd.nextDouble() * 2 - 1;
            for (double[] row : g) for (int i = 0; i < r; i++) row[i] = rnd.nextDouble() * 2 - 1;
            double[][] u = mul(mul(t.g, g), transpose(t.g));
            double[][] v = mul(mul(t.bt, d), transpose(t.bt));
            double[][] m = new double[alpha][alpha];
            for (int a = 0; a < alpha; a++) for (int b = 0; b < alpha; b++) m[a][b] = u[a][b] * v[a][b];
            double[][] y = mul(mul(t.at, m), transpose(t.at));
            for (int i = 0; i < t.m; i++) {
                for (int j = 0; j < t.m; j++) {
                    double expected = 0;
                    for (int kh = 0; kh < r; kh++) for (int kw = 0; kw < r; kw++) expected += g[kh][kw] * d[i + kh][j + kw];
                    assertEquals(expected, y[i][j], 1e-12, t + " output " + i + "," + j);
                }
            }
        }
    }

    /**
     * A row of overlapping input tiles, transformed together, gives each tile B^T d B as float64
     * computes it, for every algorithm and every run length up to a whole row (1 is the per-tile
     * path), at offsets and strides as a block writes them, and writes no other cell.
     */
    @Test
    void inputTileRowTransformsEveryTileOfTheRun() {
        int lanes = VectorTiles.L, channels = 2 * lanes, tilesW = 7;
        for (WinogradTransforms t : List.of(WinogradTransforms.F2X2_5X5, WinogradTransforms.F2X2_3X3, WinogradTransforms.F2X2_2X2,
                WinogradTransforms.F4X4_3X3, WinogradTransforms.F4X4_5X5, WinogradTransforms.F4X4_2X2)) {
            int alpha = t.alpha, cols = t.m * tilesW + t.r - 1;
            Random rnd = new Random(alpha * 31 + t.r);
            float[] src = new float[alpha * cols * channels];
            for (int i = 0; i < src.length; i++) src[i] = rnd.nextFloat() * 2 - 1;
            for (int tiles = 1; tiles <= tilesW; tiles++) {
                int vOff = 5, tileStep = channels + 3, posStride = tiles * tileStep + 7;
                float[] v = new float[vOff + t.positions * posStride + lanes];
                Arrays.fill(v, Float.NaN);
                float[] columns = new float[Math.max(WinogradTransforms.MAX_POSITIONS, cols * alpha) * lanes];
                int first = tilesW - tiles;      // the run ends at the row's last tile
                WinogradConv.inputTileRow(t, tiles, src, first * t.m * channels + lanes, cols * channels, channels,
                        columns, v, vOff, tileStep, posStride);
                int written = 0;
                for (int i = 0; i < tiles; i++) {
                    for (int lane = 0; lane < lanes; lane++) {
                        double[][] d = new double[alpha][alpha];
                        for (int y = 0; y < alpha; y++) {
                            for (int x = 0; x < alpha; x++) {
                                d[y][x] = src[(y * cols + (first + i) * t.m + x) * channels + lanes + lane];
                            }
                        }
                        double[][] expected = mul(mul(t.bt, d), transpose(t.bt));
                        double[][] magnitude = mul(mul(abs(t.bt), abs(d)), transpose(abs(t.bt)));
                        for (int k = 0; k < alpha; k++) {
                            for (int j = 0; j < alpha; j++) {
                                // float32's rounding of sums of up to 64 terms, relative to their magnitudes
                                float got = v[vOff + i * tileStep + (k * alpha + j) * posStride + lane];
                                assertEquals(expected[k][j], got, 1e-6 * magnitude[k][j],
                                        t + ", " + tiles + " tiles, tile " + i + " position " + k + "," + j + " lane " + lane);
                                written++;
                            }
                        }
                    }
                }
                int cells = 0;
                for (float value : v) {
                    cells += Float.isNaN(value) ? 0 : 1;
                }
                assertEquals(written, cells, t + ", " + tiles + " tiles: cells written outside the tiles' positions");
            }
        }
    }

    @Test
    void forwardMatchesTheDirectConvolution() {
        for (ConvGeometry g : GEOMETRIES) {
            for (Activation act : List.of(Activation.RELU, Activation.NONE, Activation.TANH)) {
                Random rnd = new Random(g.hashCode() + act.ordinal());
                int examples = 2;
                float[] x = random(rnd, examples * g.inSize() + 3), w = random(rnd, g.weightSize()), b = random(rnd, g.outC());
                float[] u = transformed(g, w, false);
                float[] y = new float[examples * g.outSize() + 5];
                for (int e = 0; e < examples; e++) {
                    WinogradConv.forward(g, act, x, 3 + e * g.inSize(), u, 0, b, y, 5 + e * g.outSize());
                }
                for (int e = 0; e < examples; e++) {
                    double[][] ref = directForward(g, x, 3 + e * g.inSize(), w, b);
                    for (int i = 0; i < g.outSize(); i++) {
                        double expected = activate(act, ref[0][i]);
                        // The error of a float32 sum bounded by the sum of its terms' magnitudes.
                        double tolerance = 1e-5 * ref[1][i] + 1e-6;
                        float got = y[5 + e * g.outSize() + i];
                        assertTrue(Math.abs(got - expected) <= tolerance,
                                g + " " + act + " example " + e + " output " + i + ": " + got + " vs " + expected);
                    }
                }
                assertEquals(0f, y[0] + y[1] + y[2] + y[3] + y[4], "wrote before its offset");
            }
        }
    }

    @Test
    void inputGradientMatchesTheScalarKernels() {
        ScalarKernels scalar = new ScalarKernels();
        for (ConvGeometry g : GEOMETRIES) {
            Random rnd = new Random(g.hashCode());
            float[] dz = random(rnd, g.outSize() + 2), w = random(rnd, g.weightSize());
            float[] u = transformed(g, w, true);
            float[] dx = new float[g.inSize() + 4], expected = new float[g.inSize()];
            ConvGeometry dual = WinogradConv.dual(g);
            WinogradConv.forward(dual, Activation.NONE, dz, 2, u, 0, new float[WinogradConv.padded(g.inC())], dx, 4);
            scalar.convBackwardInput(g, dz, 2, w, expected, 0);
            float scale = 0;
            for (float v : expected) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < g.inSize(); i++) {
                assertEquals(expected[i], dx[4 + i], 1e-5 * g.outC() * scale + 1e-6, g + " input " + i);
            }
        }
    }

    /**
     * The input gradient on the forward's own tiles ({@link WinogradInputGradient}) against the
     * scalar kernels on every geometry, "same" and "valid" alike, written from its offset and
     * overwriting what dx held (inputs no output reads get zero).
     */
    @Test
    void inputGradientOnTheForwardsTilesMatchesTheScalarKernels() {
        ScalarKernels scalar = new ScalarKernels();
        for (ConvGeometry g : GEOMETRIES) {
            Random rnd = new Random(g.hashCode() + 3);
            float[] dz = random(rnd, g.outSize() + 2), w = random(rnd, g.weightSize());
            float[] u = transposed(g, w);
            float[] dx = random(rnd, g.inSize() + 5), expected = new float[g.inSize()];
            float before = dx[3], after = dx[4 + g.inSize()];
            WinogradInputGradient.backwardInput(g, dz, 2, u, 0, dx, 4);
            scalar.convBackwardInput(g, dz, 2, w, expected, 0);
            float scale = 0;
            for (float v : expected) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < g.inSize(); i++) {
                assertEquals(expected[i], dx[4 + i], 1e-5 * g.outC() * scale + 1e-6, g + " input " + i);
            }
            assertEquals(before, dx[3], "wrote before its offset");
            assertEquals(after, dx[4 + g.inSize()], "wrote past its input");
        }
    }

    /** The forward's transformed kernel, transposed ([pos][outC][inC] in panels): what {@link WinogradInputGradient} reads. */
    static float[] transposed(ConvGeometry g, float[] w) {
        float[] u = new float[WinogradConv.kernelSize(g)];
        WinogradConv.transforms(g).kernels(w, g.inC(), g.outC(), false, true, u, 0, WinogradConv.padded(g.outC()), WinogradConv.padded(g.inC()));
        return u;
    }

    /**
     * The weight gradient over several examples against float64 sums, added onto what dw and db
     * held, within 2e-6 of {@link #tileScale} (the worst seen here was 6e-7, on a 1x1 output).
     * Blocks of 5 tiles split most examples into several blocks, the last one partial.
     */
    @Test
    void weightGradientMatchesTheDirectSums() {
        for (ConvGeometry g : GEOMETRIES) {
            Random rnd = new Random(g.hashCode() + 11);
            int examples = 3;
            float[] x = random(rnd, examples * g.inSize() + 2), dz = random(rnd, examples * g.outSize() + 4);
            float[] dw = random(rnd, g.weightSize()), db = random(rnd, g.outC());
            double[] dwRef = new double[dw.length], dwMag = new double[dw.length], dbRef = new double[db.length];
            for (int i = 0; i < dw.length; i++) {
                dwRef[i] = dw[i];
                dwMag[i] = Math.abs(dw[i]);
            }
            for (int i = 0; i < db.length; i++) dbRef[i] = db[i];
            for (int e = 0; e < examples; e++) {
                directWeightGradient(g, x, 2 + e * g.inSize(), dz, 4 + e * g.outSize(), dwRef, dwMag, dbRef);
            }
            WinogradConv.backwardWeights(g, examples, x, 2, dz, 4, dw, db, 5);
            double[] scale = tileScale(g, examples, x, 2, dz, 4);
            for (int i = 0; i < dw.length; i++) {
                int pair = i % (g.inC() * g.outC());
                double tolerance = 2e-6 * scale[pair] + 1e-6;
                assertTrue(Math.abs(dw[i] - dwRef[i]) <= tolerance, g + " weight " + i + ": " + dw[i] + " vs " + dwRef[i]);
            }
            for (int i = 0; i < db.length; i++) {
                assertEquals(dbRef[i], db[i], 1e-5 * examples * g.outH() * g.outW(), g + " bias " + i);
            }
        }
    }

    /**
     * For each channel pair (ic, oc) at [ic*outC + oc]: the sum over every 2x2 tile of every example
     * of (sum of |dz| of oc in the tile) x (sum of |x| of ic in its input tile, 6x6 or 4x4). A Winograd sum
     * mixes all of a tile's values before it cancels them, so its rounding error scales with this,
     * not with the few terms one weight's direct sum has.
     */
    private static double[] tileScale(ConvGeometry g, int examples, float[] x, int xOff, float[] dz, int dzOff) {
        double[] scale = new double[g.inC() * g.outC()];
        for (int e = 0; e < examples; e++) {
            for (int th = 0; th < g.outH(); th += 2) {
                for (int tw = 0; tw < g.outW(); tw += 2) {
                    double[] dzSum = new double[g.outC()], xSum = new double[g.inC()];
                    for (int i = th; i < Math.min(th + 2, g.outH()); i++) {
                        for (int j = tw; j < Math.min(tw + 2, g.outW()); j++) {
                            for (int oc = 0; oc < g.outC(); oc++) {
                                dzSum[oc] += Math.abs(dz[dzOff + e * g.outSize() + (i * g.outW() + j) * g.outC() + oc]);
                            }
                        }
                    }
                    int alpha = g.kh() + 1;
                    for (int ih = th - g.padTop(); ih < th - g.padTop() + alpha; ih++) {
                        for (int iw = tw - g.padLeft(); iw < tw - g.padLeft() + alpha; iw++) {
                            if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) continue;
                            for (int ic = 0; ic < g.inC(); ic++) {
                                xSum[ic] += Math.abs(x[xOff + e * g.inSize() + (ih * g.inW() + iw) * g.inC() + ic]);
                            }
                        }
                    }
                    for (int ic = 0; ic < g.inC(); ic++) {
                        for (int oc = 0; oc < g.outC(); oc++) {
                            scale[ic * g.outC() + oc] += xSum[ic] * dzSum[oc];
                        }
                    }
                }
            }
        }
        return scale;
    }

    /** dw += x * dz over every window of one example (with the sums of |term| into mag), db += dz, in double. */
    private static void directWeightGradient(ConvGeometry g, float[] x, int xOff, float[] dz, int dzOff,
                                             double[] dw, double[] mag, double[] db) {
        int inC = g.inC(), outC = g.outC();
        for (int i = 0; i < g.outSize(); i++) {
            db[i % outC] += dz[dzOff + i];
        }
        ConvTaps.forEach(g, (out, tap, in) -> {
            for (int oc = 0; oc < outC; oc++) {
                double grad = dz[dzOff + out * outC + oc];
                for (int ic = 0; ic < inC; ic++) {
                    double t = grad * x[xOff + in * inC + ic];
                    dw[(tap * inC + ic) * outC + oc] += t;
                    mag[(tap * inC + ic) * outC + oc] += Math.abs(t);
                }
            }
        });
    }

    /** The model's path: packConvWeights, then the packed forward and input gradient, whatever they select. */
    @Test
    void packedKernelsMatchTheScalarKernels() {
        Kernels k = KernelProvider.get();
        ScalarKernels scalar = new ScalarKernels();
        for (ConvGeometry g : GEOMETRIES) {
            Random rnd = new Random(g.hashCode() + 7);
            float[] x = random(rnd, g.inSize()), w = random(rnd, g.weightSize()), b = random(rnd, g.outC());
            float[] dz = random(rnd, g.outSize());
            float[] packed = new float[k.packedConvSize(g)];
            k.packConvWeights(g, w, packed);
            float[] y = new float[g.outSize()], yRef = new float[g.outSize()];
            k.convForwardPacked(g, Activation.RELU, x, 0, w, packed, b, y, 0);
            scalar.convForward(g, Activation.RELU, x, 0, w, b, yRef, 0);
            float[] dx = new float[g.inSize()], dxRef = new float[g.inSize()];
            k.convBackwardInputPacked(g, dz, 0, packed, dx, 0);
            scalar.convBackwardInput(g, dz, 0, w, dxRef, 0);
            double tolerance = 1e-5 * 25 * Math.max(g.inC(), g.outC());
            for (int i = 0; i < y.length; i++) assertEquals(yRef[i], y[i], tolerance, g + " output " + i);
            for (int i = 0; i < dx.length; i++) assertEquals(dxRef[i], dx[i], tolerance, g + " input " + i);
        }
    }

    /**
     * kernelGradients, which runs over blocks of channel pairs that cut output channels apart,
     * gives each pair's double transform (G^T P G) exactly as a pair-by-pair loop in the same order
     * does, and adds it to dw rounded once: the same bits. Shapes: tf-mnist's conv2 (32 x 64),
     * padded channels on both sides, and more input channels than a block holds.
     */
    @Test
    void kernelGradientsAddEachChannelPairsDoubleTransform() {
        int[][] shapes = {{32, 64, 32, 64}, {3, 17, 8, 24}, {260, 3, 264, 8}, {9, 5, 16, 8}};
        Random random = new Random(11);
        for (WinogradTransforms t : List.of(WinogradTransforms.F2X2_5X5, WinogradTransforms.F2X2_3X3,
                WinogradTransforms.F2X2_2X2)) {
            for (int[] shape : shapes) {
                int inC = shape[0], outC = shape[1], nICPad = shape[2], nOCPad = shape[3];
                float[] p = new float[t.positions * nOCPad * nICPad];
                for (int i = 0; i < p.length; i++) p[i] = (float) random.nextGaussian();
                float[] dw = new float[t.r * t.r * inC * outC];
                for (int i = 0; i < dw.length; i++) dw[i] = (float) random.nextGaussian();
                float[] expected = dw.clone();
                for (int oc = 0; oc < outC; oc++) {
                    for (int ic = 0; ic < inC; ic++) {
                        for (int kh = 0; kh < t.r; kh++) {
                            for (int kw = 0; kw < t.r; kw++) {
                                double tap = 0;
                                for (int a = 0; a < t.alpha; a++) {
                                    if (t.g[a][kh] == 0) continue;
                                    double row = 0;             // (P G)[a][kw]
                                    for (int b = 0; b < t.alpha; b++) {
                                        if (t.g[b][kw] == 0) continue;
                                        row += t.g[b][kw] * p[((a * t.alpha + b) * nOCPad + oc) * nICPad + ic];
                                    }
                                    tap += t.g[a][kh] * row;
                                }
                                expected[((kh * t.r + kw) * inC + ic) * outC + oc] += (float) tap;
                            }
                        }
                    }
                }
                t.kernelGradients(p, nOCPad, nICPad, inC, outC, dw);
                for (int i = 0; i < dw.length; i++) {
                    assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(dw[i]),
                            t + " " + java.util.Arrays.toString(shape) + " dw[" + i + "]");
                }
            }
        }
    }

    @Test
    void selectsOnlyStrideOneSquareKernelsOfFiveThreeOrTwo() {
        assertTrue(WinogradConv.supports(new ConvGeometry(32, 14, 14, 64, 5, 5, 1, 2, 2, 14, 14)));
        assertTrue(WinogradConv.supports(new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 1, 1, 14, 14)), "3x3");
        assertTrue(WinogradConv.supports(new ConvGeometry(32, 13, 13, 64, 2, 2, 1, 0, 0, 12, 12)), "2x2");
        assertTrue(!WinogradConv.supports(new ConvGeometry(32, 14, 14, 64, 7, 7, 1, 3, 3, 14, 14)), "7x7");
        assertTrue(!WinogradConv.supports(new ConvGeometry(32, 14, 14, 64, 1, 1, 1, 0, 0, 14, 14)), "1x1");
        assertTrue(!WinogradConv.supports(new ConvGeometry(32, 14, 14, 64, 2, 2, 2, 0, 0, 7, 7)), "2x2 stride 2");
        assertTrue(!WinogradConv.supports(new ConvGeometry(32, 14, 14, 64, 3, 5, 1, 1, 2, 14, 14)), "3x5");
        assertTrue(!WinogradConv.supports(new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 3, 3, 18, 18)), "3x3 padded past the kernel");
        assertTrue(!WinogradConv.supports(new ConvGeometry(32, 14, 14, 64, 5, 5, 2, 2, 2, 7, 7)), "stride 2");
        assertTrue(!WinogradConv.supports(new ConvGeometry(32, 14, 14, 64, 5, 5, 1, 5, 5, 20, 20)), "padding past the kernel");
        assertTrue(!WinogradConv.forwardApplies(new ConvGeometry(1, 28, 28, 32, 5, 5, 1, 2, 2, 28, 28))
                        || "winograd".equals(System.getProperty(WinogradConv.PROPERTY)),
                "one input channel gives GEMMs of depth 1: direct is faster");
    }

    /**
     * The input gradient runs on the forward's tiles where they are fewer than its dual
     * convolution's ("valid": keras-mnist's conv2, 36 against 49), as that convolution where they
     * are as many ("same"), unless the property chose one way.
     */
    @Test
    void inputGradientRunsOnTheForwardsTilesWhereTheyAreFewer() {
        String chosen = System.getProperty(WinogradConv.INPUT_GRADIENT_PROPERTY, "auto");
        ConvGeometry valid = new ConvGeometry(32, 13, 13, 64, 3, 3, 1, 0, 0, 11, 11);
        ConvGeometry same = new ConvGeometry(32, 14, 14, 64, 5, 5, 1, 2, 2, 14, 14);
        assertEquals(!chosen.equals("dual"), WinogradConv.inputGradientInTiles(valid), "valid");
        assertEquals(chosen.equals("tiles"), WinogradConv.inputGradientInTiles(same), "same");
    }

    /** U of the forward (or, when flip, of the input gradient's dual convolution) for w. */
    static float[] transformed(ConvGeometry g, float[] w, boolean flip) {
        ConvGeometry f = flip ? WinogradConv.dual(g) : g;
        float[] u = new float[WinogradConv.kernelSize(f)];
        WinogradConv.transforms(g).kernels(w, g.inC(), g.outC(), flip, flip, u, 0, WinogradConv.padded(f.inC()), WinogradConv.padded(f.outC()));
        return u;
    }

    /** The convolution in double: [0] the pre-activation outputs, [1] the sum of |term| of each (with |bias|). */
    static double[][] directForward(ConvGeometry g, float[] x, int xOff, float[] w, float[] b) {
        int inC = g.inC(), outC = g.outC();
        double[] y = new double[g.outSize()], mag = new double[g.outSize()];
        for (int i = 0; i < y.length; i++) {
            y[i] = b[i % outC];
            mag[i] = Math.abs(b[i % outC]);
        }
        ConvTaps.forEach(g, (out, tap, in) -> {
            for (int oc = 0; oc < outC; oc++) {
                for (int ic = 0; ic < inC; ic++) {
                    double t = (double) x[xOff + in * inC + ic] * w[(tap * inC + ic) * outC + oc];
                    y[out * outC + oc] += t;
                    mag[out * outC + oc] += Math.abs(t);
                }
            }
        });
        return new double[][] {y, mag};
    }

    private static double activate(Activation act, double z) {
        return switch (act) {
            case NONE -> z;
            case RELU -> Math.max(z, 0);
            case SIGMOID -> 1 / (1 + Math.exp(-z));
            case TANH -> Math.tanh(z);
        };
    }

    static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }

    private static double[][] mul(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++)
            for (int j = 0; j < b[0].length; j++)
                for (int k = 0; k < b.length; k++) c[i][j] += a[i][k] * b[k][j];
        return c;
    }

    private static double[][] abs(double[][] a) {
        double[][] r = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = Arrays.stream(a[i]).map(Math::abs).toArray();
        }
        return r;
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) t[j][i] = a[i][j];
        return t;
    }
}
