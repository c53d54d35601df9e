package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;
import static dev.kiln.runtime.kernels.WinogradTransforms.MAX_POSITIONS;
import static jdk.incubator.vector.VectorOperators.LE;

import dev.kiln.dsl.Activation;
import java.util.Arrays;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;

/**
 * Stride-1 5x5, 3x3 and 2x2 convolutions by Winograd's F(2x2, 5x5), F(2x2, 3x3) and F(2x2, 2x2)
 * ({@link WinogradTransforms}): 36 multiply-adds per input channel, output channel and 2x2
 * outputs against 100 directly, 16 against 36, or 9 against 16. A prediction runs them on 4x4
 * output tiles ({@link #inference}): 64 against 400, 36 against 144, 25 against 64.
 *
 * <p>One example at a time, in blocks of {@link #blockTiles} tiles: each alpha x alpha input tile
 * (8x8, 6x6, 5x5, 4x4 or 3x3, channels as lanes) is transformed to V[pos][tile][inC]; the alpha^2 products over
 * channels are alpha^2 GEMMs M[pos] = V[pos] x U[pos], [tiles x inC] x [inC x outC], on tiles that read U in the packed
 * panels {@link WinogradTransforms#kernels} writes ({@link VectorTiles#panelColumns});
 * each M tile is transformed back to m x m outputs (2x2, or 4x4 for a prediction), with bias and ReLU. U, the transformed kernel,
 * is made once per weight update and kept in the packed weights ({@link #pack}), so a forward
 * pass reads it and never writes it: many threads may share it.
 *
 * <p>The input gradient of a stride-1 convolution is itself one: dz, padded by kernel-1-pad on
 * each side, correlated with the flipped kernel, input and output channels swapped. It runs
 * through the same code on that "dual" geometry where that has as many tiles as the forward pass;
 * where it has more (a "valid" forward), on the forward's tiles instead ({@link WinogradInputGradient}).
 *
 * <p>Channel counts are padded to whole vectors inside V, U and M (zero rows and columns), so the
 * transforms have no tails; a partial last tile (odd output sides) is computed whole into a
 * scratch output and only its real pixels copied out.
 *
 * <p>Used where {@link #forwardApplies}/{@link #backwardInputApplies} say; {@value #PROPERTY}
 * = {@code direct} turns it off, {@code winograd} forces it on every stride-1 convolution it supports.
 */
final class WinogradConv {

    /** System property: {@code direct}, {@code winograd} or {@code auto} (the default). */
    static final String PROPERTY = "kiln.conv";
    /**
     * Tiles per block where the GEMMs run on panels of at most two vectors: V, M and the block's
     * output stay in the core's L2 cache beside U. Two GEMM tiles' rows, so a block splits into
     * whole tiles (14 tiles ran as 6 + 6 + a 6-row tile for 2 where tiles have 6 rows).
     */
    static final int BLOCK = 2 * TileLoops.WIDE_TILE;

    /**
     * Tiles per block of a GEMM with outC columns: two tiles' rows of the tile its widest panel
     * runs on, 12 where that is {@link VectorTiles#panelRows6x4}. Blocks of 42, which split whole
     * into both 6- and 7-row tiles, made V and M outgrow the L1 cache; with blocks of 12 the
     * forward of tf-mnist's conv2 ran at 123-163 GFLOP/s direct-equivalent against 105-120 on
     * two-vector panels in blocks of 14, lenet-like's at 92-122 against 85-91, emotion's at 90-100
     * against 74-80 (`kiln kernels`, 3 runs each in turns, AVX-512 Xeon).
     */
    static int blockTiles(int outC) {
        return VectorTiles.panelWidth(0, outC) == 4 * L ? 2 * VectorTiles.QUAD_ROWS : BLOCK;
    }
    /**
     * Fewest input and output channels for Winograd in {@code auto} mode: the GEMMs run over input
     * channels, and with few of them the transforms cost more than the multiplications they save.
     */
    static final int MIN_CHANNELS = 16;
    /**
     * Most tiles of one example transformed at a time for the weight gradient: the GEMMs' depth.
     * Long enough that the accumulators' loads and stores are a small part of each GEMM.
     */
    static final int WEIGHT_BLOCK = Integer.getInteger("kiln.winogradWeightBlock", 64);
    /**
     * Floats between transformed positions (V, M, D) past their contents: one cache line, so that
     * the 36 (16, 9) positions a transform writes or reads are not a multiple of 4 KB apart (as they would
     * be for the weight gradient's 64 tiles of 32 or 64 channels, or 3 KB for the forward's 12
     * tiles of 64) and do not crowd into a few sets of the L1 cache.
     */
    static final int SKEW = 16;
    /** Output channels per GEMM tile of the weight gradient ({@link VectorTiles#packedRows8}'s rows); outC is a multiple. */
    private static final int PACKED_ROWS = VectorTiles.PACKED_ROWS;
    /**
     * Floats per tile in a run of packed D: {@link #PACKED_ROWS} output channels, or one vector's
     * worth where vectors are wider (16 at 512 bits), so the output-gradient transform stores each
     * whole vector of channels in one piece and {@link VectorTiles#packedRows8} reads 8 rows of a
     * run at a time. It once wrote D in runs of 8 with 8-lane vectors where vectors are wider: a
     * second species in the JVM shares the Vector API's call-site profiles with the first, and C2
     * then compiled the kernels of both with calls into the API's Java fallback, which allocates
     * at every operation (129 MB a training step on AVX-512; see OneVectorShapeTest). Then with
     * 16-lane vectors split into runs of 8 by masked stores, which took about 40% of the weight
     * gradient's time on AVX-512.
     */
    private static final int D_RUN = Math.max(PACKED_ROWS, L);

    private static final String MODE = System.getProperty(PROPERTY, "auto").toLowerCase(Locale.ROOT);

    /**
     * System property: how an input gradient runs, {@code auto} (the default: {@link #inputGradientInTiles}
     * decides), {@code dual} or {@code tiles}; for tests and measurements.
     */
    static final String INPUT_GRADIENT_PROPERTY = "kiln.conv.inputGradient";
    private static final String INPUT_GRADIENT = inputGradientMode(System.getProperty(INPUT_GRADIENT_PROPERTY, "auto"));

    private static String inputGradientMode(String value) {
        String mode = value.trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("dual") && !mode.equals("tiles")) {
            throw new IllegalArgumentException(INPUT_GRADIENT_PROPERTY + " must be auto, dual or tiles, not '" + value + "'");
        }
        return mode;
    }

    /**
     * System property: {@code 4x4} (the default) runs a prediction's Winograd convolutions as
     * F(4x4, r x r), {@code 2x2} as training does (the same algorithm, so the same bits as a
     * training step's forward pass without dropout).
     */
    static final String INFERENCE_PROPERTY = "kiln.conv.inferenceTiles";
    private static final boolean LARGE_INFERENCE_TILES = inferenceTiles(System.getProperty(INFERENCE_PROPERTY, "4x4"));

    private static boolean inferenceTiles(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "4x4" -> true;
            case "2x2" -> false;
            default -> throw new IllegalArgumentException(INFERENCE_PROPERTY + " must be 4x4 or 2x2, not '" + value + "'");
        };
    }

    private WinogradConv() {
    }

    /**
     * Whether geometry g can run as F(2x2, r x r) at all: stride 1, a square kernel of side r = 5, 3
     * or 2, padding within the kernel.
     */
    static boolean supports(ConvGeometry g) {
        int r = g.kh();
        return g.stride() == 1 && g.kw() == r && WinogradTransforms.forKernel(r) != null
                && g.padTop() >= 0 && g.padTop() < r && g.padLeft() >= 0 && g.padLeft() < r;
    }

    /** The algorithm for g's kernel (g supported). */
    static WinogradTransforms transforms(ConvGeometry g) {
        return WinogradTransforms.forKernel(g.kh());
    }

    /** Whether the forward pass of g runs here: supported, and selected by {@value #PROPERTY}. */
    static boolean forwardApplies(ConvGeometry g) {
        return selected(g);
    }

    /** Whether the input gradient of g runs here, as the forward pass of {@link #dual}. */
    static boolean backwardInputApplies(ConvGeometry g) {
        return supports(g) && selected(g.outC(), g.inC());     // the dual's channels (no record allocated per call)
    }

    private static boolean selected(ConvGeometry g) {
        return supports(g) && selected(g.inC(), g.outC());
    }

    private static boolean selected(int inC, int outC) {
        return switch (MODE) {
            case "direct" -> false;
            case "winograd" -> true;
            default -> inC >= MIN_CHANNELS && outC >= MIN_CHANNELS;
        };
    }

    /**
     * Whether g's input gradient runs on the forward pass's tiles ({@link WinogradInputGradient})
     * rather than as the forward pass of {@link #dual}: where the forward has fewer tiles (it pads
     * less than kernel - 1, as a "valid" convolution does), unless {@value #INPUT_GRADIENT_PROPERTY}
     * says {@code dual} or {@code tiles}. g's input gradient runs here at all
     * ({@link #backwardInputApplies}).
     */
    static boolean inputGradientInTiles(ConvGeometry g) {
        return switch (INPUT_GRADIENT) {
            case "dual" -> false;
            case "tiles" -> true;
            default -> {
                int side = transforms(g).m;
                yield tileCount(g.outH(), g.outW(), side) < tileCount(g.inH(), g.inW(), side);    // the dual's outputs are g's inputs
            }
        };
    }

    /** Tiles of side x side outputs over h x w outputs. */
    private static int tileCount(int h, int w, int side) {
        return ((h + side - 1) / side) * ((w + side - 1) / side);
    }

    /** Whether the weight gradient of g runs here ({@link #backwardWeights}): where the forward does. */
    static boolean weightsApply(ConvGeometry g) {
        return selected(g);
    }

    /** The stride-1 convolution whose forward pass is g's input gradient (with the flipped kernel). */
    static ConvGeometry dual(ConvGeometry g) {
        return new ConvGeometry(g.outC(), g.outH(), g.outW(), g.inC(), g.kh(), g.kw(), 1,
                g.kh() - 1 - g.padTop(), g.kw() - 1 - g.padLeft(), g.inH(), g.inW());
    }

    /** A channel count rounded up to whole vectors. */
    static int padded(int channels) {
        return (channels + L - 1) / L * L;
    }

    /** Floats of one transformed kernel U[alpha^2][inC padded][outC padded] for the forward pass of g. */
    static int kernelSize(ConvGeometry g) {
        return kernelSize(transforms(g), g);
    }

    /** Floats of g's kernel transformed by t, U[alpha^2][inC padded][outC padded]. */
    private static int kernelSize(WinogradTransforms t, ConvGeometry g) {
        return t.positions * padded(g.inC()) * padded(g.outC());
    }

    /** Floats {@link #pack} writes for g: the forward's U, then the input gradient's, each when it applies. */
    static int packedSize(ConvGeometry g) {
        return (forwardApplies(g) ? kernelSize(g) : 0) + (backwardInputApplies(g) ? kernelSize(dual(g)) : 0);
    }

    /**
     * Writes share part of parts of the transformed kernels of w[kh][kw][inC][outC] to packed from
     * off: the forward's, then the input gradient's (the flipped kernel, [kh][kw][outC][inC],
     * transformed), each only when it applies. The forward's is share 0's and the input gradient's
     * share 1's (mod parts): on 2 threads each transforms one, where one thread transforming both
     * left the other waiting (tf-mnist's conv2: 1.4-2.0 ms per update for the two, in double).
     */
    static void pack(ConvGeometry g, float[] w, float[] packed, int off, int part, int parts) {
        int inC = g.inC(), outC = g.outC();
        WinogradTransforms t = transforms(g);
        if (forwardApplies(g)) {
            if (part == 0) {
                t.kernels(w, inC, outC, false, false, packed, off, padded(inC), padded(outC));
            }
            off += kernelSize(g);
        }
        if (backwardInputApplies(g) && part == 1 % parts) {
            // The dual convolution's kernel is flipped; the forward's tiles read the forward's, transposed.
            t.kernels(w, inC, outC, !inputGradientInTiles(g), true, packed, off, padded(outC), padded(inC));
        }
    }

    /**
     * Whether a prediction runs g's forward on 4x4 output tiles, F(4x4, r x r)
     * ({@link #inferenceTransforms}): wherever training runs it as F(2x2, r x r), unless
     * {@value #INFERENCE_PROPERTY} is {@code 2x2}.
     */
    static boolean inferenceApplies(ConvGeometry g) {
        return LARGE_INFERENCE_TILES && forwardApplies(g);
    }

    /** The 4x4-tile algorithm for g's kernel (g's inference applies). */
    static WinogradTransforms inferenceTransforms(ConvGeometry g) {
        return switch (g.kh()) {
            case 5 -> WinogradTransforms.F4X4_5X5;
            case 3 -> WinogradTransforms.F4X4_3X3;
            default -> WinogradTransforms.F4X4_2X2;
        };
    }

    /** Floats of the 4x4-tile kernel {@link #packInference} writes, 0 where it does not apply. */
    static int inferenceSize(ConvGeometry g) {
        return inferenceApplies(g) ? kernelSize(inferenceTransforms(g), g) : 0;
    }

    /** Writes g's 4x4-tile transformed kernel to packed[0, inferenceSize(g)), where it applies. */
    static void packInference(ConvGeometry g, float[] w, float[] packed) {
        if (inferenceApplies(g)) {
            inferenceTransforms(g).kernels(w, g.inC(), g.outC(), false, false, packed, 0, padded(g.inC()), padded(g.outC()));
        }
    }

    /**
     * y = act(conv(x) + b) for {@code examples} consecutive examples on 4x4 output tiles, from the
     * kernel {@link #packInference} wrote.
     */
    static void inference(ConvGeometry g, Activation act, int examples, float[] x, int xOff, float[] packed, float[] b,
                          float[] y, int yOff) {
        forward(inferenceTransforms(g), g, act, examples, x, xOff, packed, 0, b, y, yOff);
    }

    /**
     * Examples a prediction of g best runs in one {@link #inference} call: the fewest whose 4x4
     * tiles fill whole blocks ({@link #blockTiles}), or else {@link Kernels#MOST_INFERENCE_EXAMPLES}.
     * lenet-like's conv3 (7x7 outputs) has 4 tiles an example: one at a time, each block of 4
     * tiles read all of its 1.2 MB U, more than the core's 1 MB L2 cache, for 4 rows of products
     * on the 4-row tile; 3 at a time fill a block of 12. A probe over 240 examples (one JVM, Zen 5)
     * ran it at 17.5-17.9 us an example against 21.6-22.1 one at a time, and lenet-like's conv2
     * (16 tiles, 3 examples) at 21.6-23.3 against 22.5-23.8: the same bits.
     */
    static int inferenceExamples(ConvGeometry g) {
        int side = inferenceTransforms(g).m;
        int tiles = ((g.outH() + side - 1) / side) * ((g.outW() + side - 1) / side);
        int block = blockTiles(padded(g.outC()));
        int examples = 1;
        while (examples * tiles % block != 0 && examples < Kernels.MOST_INFERENCE_EXAMPLES) {
            examples++;
        }
        return examples;
    }

    /** The input gradient of g (overwrites dx), from the kernels {@link #pack} wrote from off. */
    static void backwardInput(ConvGeometry g, float[] dz, int dzOff, float[] packed, int off,
                              float[] dx, int dxOff) {
        int kernel = forwardApplies(g) ? off + kernelSize(g) : off;
        if (inputGradientInTiles(g)) {
            WinogradInputGradient.backwardInput(g, dz, dzOff, packed, kernel, dx, dxOff);
            return;
        }
        // The fields of dual(g), passed one by one: a record made per call would be garbage per example.
        run(transforms(g), 1, g.outC(), g.outH(), g.outW(), g.inC(), g.kh() - 1 - g.padTop(), g.kw() - 1 - g.padLeft(), g.inH(), g.inW(),
                Activation.NONE, dz, dzOff, packed, kernel, Scratch.zeros(padded(g.inC())), dx, dxOff);
    }

    /** y = act(conv(x) + b) for one example, from the transformed kernel at packed[uOff..]. */
    static void forward(ConvGeometry g, Activation act, float[] x, int xOff, float[] packed, int uOff,
                        float[] b, float[] y, int yOff) {
        forward(transforms(g), g, act, 1, x, xOff, packed, uOff, b, y, yOff);
    }

    /** y = act(conv(x) + b) for consecutive examples by t, from the kernel t transformed at packed[uOff..]. */
    private static void forward(WinogradTransforms t, ConvGeometry g, Activation act, int examples, float[] x, int xOff,
                                float[] packed, int uOff, float[] b, float[] y, int yOff) {
        run(t, examples, g.inC(), g.inH(), g.inW(), g.outC(), g.padTop(), g.padLeft(), g.outH(), g.outW(),
                act, x, xOff, packed, uOff, b, y, yOff);
    }

    /**
     * dw += the weight gradient of {@code rows} consecutive examples, db += their sums of dz.
     *
     * <p>The forward pass is Y = A^T [U * V] A per tile, with U = G w G^T; so the gradient of w is
     * G^T [(A dY A^T) * V] G summed over tiles. Each 2x2 tile of dz is spread to alpha x alpha (D, by
     * A) beside its input tile's V, and the alpha^2 products summed over every tile of every example
     * are alpha^2 GEMMs,
     * P[pos][oc][ic] += sum over tiles of D[pos][t][oc] V[pos][t][ic]. Their depth is the tile count,
     * long enough to keep the accumulators in registers (the forward's GEMMs are only inC deep).
     * The transforms write D and V as the packed panels {@link VectorTiles#runRowsProduct} reads
     * (eight output channels against one or two vectors of input channels on 32 registers, six
     * against two on 16; with one vector of input channels against two or more of output channels,
     * eight input channels against the output channels' vectors, transposed), runs of {@link #D_RUN}
     * output channels and of one vector of input channels per tile, so its loops have no bounds
     * checks. P is turned back into dw once per call, in double
     * ({@link WinogradTransforms#kernelGradients}): 36 products over 25 taps, 2.8 times fewer
     * multiplications than the direct sum (16 over 9 for 3x3, 2.25 times; 9 over 4 for 2x2, 1.8 times). Blocks of tiles run on across examples.
     *
     * <p>Each block's sums start from zero and are added to P once, as in the direct tiles: per-block
     * sums, then their sum, not one chain through the chunk. Measured against float64 on tf-mnist
     * and tf-16-36 (tools/gradient_accuracy.py), conv2's weight gradient has 2.5 times the error of
     * the direct sums (4.0e-7 and 6.5e-7 against 1.6e-7 and 2.5e-7), below PyTorch float32's 8.4e-7
     * on tf-16-36.
     */
    static void backwardWeights(ConvGeometry g, int rows, float[] x, int xOff, float[] dz, int dzOff,
                                float[] dw, float[] db) {
        backwardWeights(g, rows, x, xOff, dz, dzOff, dw, db, WEIGHT_BLOCK);
    }

    /** {@link #backwardWeights} transforming at most {@code maxBlock} tiles at a time. */
    static void backwardWeights(ConvGeometry g, int rows, float[] x, int xOff, float[] dz, int dzOff,
                                float[] dw, float[] db, int maxBlock) {
        WinogradTransforms t = transforms(g);
        int r = t.r, positions = t.positions, side = t.m;
        int realInC = g.inC(), realOutC = g.outC(), inC = padded(realInC);
        int outC = (realOutC + PACKED_ROWS - 1) / PACKED_ROWS * PACKED_ROWS;     // whole tiles of packed rows
        int runC = (outC + D_RUN - 1) / D_RUN * D_RUN;                          // whole runs of D
        int outH = g.outH(), outW = g.outW();
        int tilesH = (outH + side - 1) / side, tilesW = (outW + side - 1) / side, tiles = tilesH * tilesW;
        int srcRows = side * tilesH + r - 1, srcCols = side * tilesW + r - 1;
        int gradRows = side * tilesH, gradCols = side * tilesW;
        // dz is read in place when every tile is whole and its channels fill whole vectors; else
        // from a copy with room for the last pixel's whole vector (its lanes past outC are dropped).
        boolean gradInPlace = outC == realOutC && outC % L == 0 && gradRows == outH && gradCols == outW;
        int total = rows * tiles, block = Math.min(total, maxBlock);
        // One vector of input channels against several of output channels (tf-16-36's conv2, 16 against 36):
        // the GEMMs run transposed into P^T[pos][ic][runC] after P, so that a broadcast feeds three vectors
        // of output channels instead of one of input channels; the same sums, then copied into P's order.
        boolean transposed = VectorTiles.PACKED_PAIRS && inC == L && D_RUN == L && runC >= 2 * L;
        int transposedAt = positions * outC * inC;
        float[] products = Scratch.zeroed(Scratch.WINOGRAD_DW, transposedAt + (transposed ? positions * inC * runC : 0));
        float[] v = Scratch.floats(Scratch.WINOGRAD_V, positions * (block * inC + SKEW));
        float[] d = Scratch.floats(Scratch.WINOGRAD_M, positions * (block * runC + SKEW));
        // The input tiles' column sums of a tile row, then a gradient tile's rows: never both at once.
        float[] rowsOfTile = Scratch.floats(Scratch.WINOGRAD_TILE, Math.max(MAX_POSITIONS, srcCols * t.alpha) * L);
        float[] src = Scratch.floats(Scratch.INPUT, srcRows * srcCols * inC);
        float[] grad = gradInPlace ? dz : Scratch.floats(Scratch.WINOGRAD_OUT, gradRows * gradCols * outC + L);
        int example = -1, gradOff = 0;
        // Blocks run on across examples: tiles are taken in order, each example padded when its first one comes.
        for (int t0 = 0; t0 < total; t0 += block) {
            int count = Math.min(block, total - t0);
            int vStride = count * inC + SKEW, dStride = count * runC + SKEW;
            for (int tt = 0, rowTiles; tt < count; tt += rowTiles) {
                int e = (t0 + tt) / tiles, tile = (t0 + tt) - e * tiles;
                rowTiles = tilesLeftInRow(tile, tilesW, count - tt);
                if (e != example) {
                    example = e;
                    padInput(x, xOff + e * g.inSize(), g.inH(), g.inW(), realInC, g.padTop(), g.padLeft(),
                            srcRows, srcCols, inC, src, 0);
                    gradOff = dzOff + e * g.outSize();
                    if (!gradInPlace) {
                        padInput(dz, gradOff, outH, outW, realOutC, 0, 0, gradRows, gradCols, outC, grad, 0);
                        gradOff = 0;
                    }
                }
                // V[pos][inC / L][t][L] and D[pos][runC / D_RUN][t][D_RUN]: each GEMM operand a run per tile.
                int at = tileCorner(tile, tilesW, side, srcCols, inC);
                for (int c = 0; c < inC; c += L) {
                    inputTileRow(t, rowTiles, src, at + c, srcCols * inC, inC, rowsOfTile, v, c * count + tt * L, L, vStride);
                }
                for (int i = 0; i < rowTiles; i++) {
                    at = gradOff + tileCorner(tile + i, tilesW, side, gradCols, outC);
                    for (int c = 0; c < outC; c += L) {
                        int run = c / D_RUN * D_RUN;
                        gradientTile(t, grad, at + c, gradCols * outC, outC, rowsOfTile, d,
                                run * count + (tt + i) * D_RUN + (c - run), dStride);
                    }
                }
            }
            for (int pos = 0; pos < positions; pos++) {
                if (transposed) {
                    VectorTiles.runRowsProduct(v, pos * vStride, L, count, inC, d, pos * dStride, L * count, runC / L,
                            products, transposedAt + pos * inC * runC, runC);
                } else {
                    VectorTiles.runRowsProduct(d, pos * dStride, D_RUN, count, realOutC, v, pos * vStride, L * count, inC / L,
                            products, pos * outC * inC, inC);
                }
            }
        }
        for (int e = 0; e < rows; e++) {
            TileLoops.sumPixels(dz, dzOff + e * g.outSize(), outH * outW, realOutC, db);
        }
        if (transposed) {
            for (int pos = 0; pos < positions; pos++) {
                for (int ic = 0; ic < inC; ic++) {
                    for (int oc = 0; oc < realOutC; oc++) {
                        products[(pos * outC + oc) * inC + ic] = products[transposedAt + (pos * inC + ic) * runC + oc];
                    }
                }
            }
        }
        t.kernelGradients(products, outC, inC, realInC, realOutC, dw);
    }

    /**
     * {@link #forward} of the stride-1 convolution with these fields of its ConvGeometry, by t, for
     * {@code examples} consecutive examples (x and y each example's size apart). Blocks of tiles
     * run on across examples, as in {@link #backwardWeights}: each block's GEMMs read all of U,
     * so a layer with few tiles an example reads it once per block rather than once per example,
     * and the row tiles get whole blocks where one example would leave a short one. A tile's sums
     * do not depend on its block: the same bits as one example at a time.
     */
    private static void run(WinogradTransforms t, int examples, int realInC, int inH, int inW, int realOutC,
                            int padTop, int padLeft, int outH, int outW,
                            Activation act, float[] x, int xOff, float[] packed, int uOff,
                            float[] b, float[] y, int yOff) {
        int inC = padded(realInC), outC = padded(realOutC), side = t.m;
        int tilesH = (outH + side - 1) / side, tilesW = (outW + side - 1) / side, tiles = tilesH * tilesW;
        int rows = side * tilesH + t.r - 1, cols = side * tilesW + t.r - 1;
        int inSize = inH * inW * realInC, outSize = outH * outW * realOutC;
        // The tiles read x in place when they cover it exactly, unpadded, in whole vectors of
        // channels (pytorch-mnist's conv2, 13x13 for 2x2 or 4x4 tiles of 2x2 kernels), else a
        // padded copy of each example: the copy was 4% of pytorch-mnist's prediction time.
        boolean readInPlace = padTop == 0 && padLeft == 0 && rows == inH && cols == inW && inC == realInC;
        int srcSize = readInPlace ? inSize : rows * cols * inC;
        float[] src = readInPlace ? x : Scratch.floats(Scratch.INPUT, examples * srcSize);
        int srcOff = readInPlace ? xOff : 0;
        for (int e = 0; !readInPlace && e < examples; e++) {
            padInput(x, xOff + e * inSize, inH, inW, realInC, padTop, padLeft, rows, cols, inC, src, e * srcSize);
        }
        // The tiles write to y: a tile inside it stores its whole vectors of channels in place; a tile
        // reaching past y's last rows or columns (14x14 outputs in 4x4 tiles), and the last vector of
        // channels that do not fill it (tf-16-36's 36 as 16 + 16 + 4), go through a tile of scratch
        // whose pixels and channels inside y are copied. Writing every tile to a padded buffer and
        // copying the whole output afterwards took 5-7% of lenet-like's and tf-mnist's prediction
        // convolutions; a tile's last vector stored whole would spill into the next pixel.
        int wholeVectorChannels = realOutC / L * L;
        float[] tileOut = Scratch.floats(Scratch.WINOGRAD_OUT, side * side * outC);
        float[] bias = b;
        if (outC != realOutC) {
            bias = Scratch.zeroed(Scratch.BIAS, outC);
            System.arraycopy(b, 0, bias, 0, realOutC);
        }
        boolean relu = act == Activation.RELU;
        int block = blockTiles(outC), total = examples * tiles;
        int vStride = block * inC + SKEW, mStride = block * outC + SKEW;
        int positions = t.positions;
        float[] v = Scratch.floats(Scratch.WINOGRAD_V, positions * vStride);
        float[] m = Scratch.floats(Scratch.WINOGRAD_M, positions * mStride);
        // The input tiles' column sums of a tile row, then the output tiles' rows: never both at once.
        float[] rowsOfTile = Scratch.floats(Scratch.WINOGRAD_TILE, Math.max(MAX_POSITIONS, cols * t.alpha) * L);
        for (int t0 = 0; t0 < total; t0 += block) {
            int count = Math.min(block, total - t0);
            for (int tt = 0, rowTiles; tt < count; tt += rowTiles) {
                int e = (t0 + tt) / tiles, tile = t0 + tt - e * tiles;
                rowTiles = tilesLeftInRow(tile, tilesW, count - tt);
                int at = srcOff + e * srcSize + tileCorner(tile, tilesW, side, cols, inC);
                for (int c = 0; c < inC; c += L) {
                    inputTileRow(t, rowTiles, src, at + c, cols * inC, inC, rowsOfTile, v, tt * inC + c, inC, vStride);
                }
            }
            // M[pos] = V[pos] x U[pos] for every position, U in the panels of VectorTiles.panelWidth.
            // The sums run over the real channels only: the padded ones are zero in V (a quarter of
            // the depth for tf-16-36's input gradient, 36 channels in vectors of 16).
            VectorTiles.zeroStartProducts(positions, outC, v, 0, vStride, inC, realInC, packed, uOff, inC * outC, inC,
                    m, 0, mStride, outC, count);
            for (int tt = 0; tt < count; tt++) {
                int e = (t0 + tt) / tiles, tile = t0 + tt - e * tiles, th = tile / tilesW;
                int at = yOff + e * outSize + tileCorner(tile, tilesW, side, outW, realOutC);
                int rowsIn = Math.min(side, outH - th * side), colsIn = Math.min(side, outW - (tile - th * tilesW) * side);
                int direct = rowsIn == side && colsIn == side ? wholeVectorChannels : 0;     // channels stored in y directly
                for (int c = 0; c < outC; c += L) {
                    if (c < direct) {
                        outputTile(t, m, tt * outC + c, mStride, rowsOfTile, bias, c, relu, y, at + c, outW * realOutC, realOutC);
                    } else {
                        outputTile(t, m, tt * outC + c, mStride, rowsOfTile, bias, c, relu, tileOut, c, side * outC, outC);
                    }
                }
                if (direct < realOutC) {
                    copyTile(tileOut, direct, side * outC, outC, y, at + direct, outW * realOutC, realOutC,
                            rowsIn, colsIn, realOutC - direct);
                }
            }
        }
        if (act != Activation.RELU) {
            VectorActivations.apply(act, y, yOff, examples * outSize);   // ReLU is done as the tiles store
        }
    }

    /**
     * The rows x cols pixels of a tile, {@code channels} floats each, from src (rows srcRow apart,
     * pixels srcPixel apart) to dst (dstRow and dstPixel apart): a tile's part inside the output.
     */
    private static void copyTile(float[] src, int srcOff, int srcRow, int srcPixel, float[] dst, int dstOff, int dstRow,
                                 int dstPixel, int rows, int cols, int channels) {
        for (int r = 0; r < rows; r++) {
            Padding.copyPixels(src, srcOff + r * srcRow, srcPixel, dst, dstOff + r * dstRow, dstPixel, cols, channels);
        }
    }

    /** Of a block's next {@code blockLeft} tiles from {@code tile}, those in tile's row of tilesW tiles. */
    private static int tilesLeftInRow(int tile, int tilesW, int blockLeft) {
        return Math.min(blockLeft, tilesW - tile % tilesW);
    }

    /**
     * Where a tile's first output pixel, or the first pixel of the input it reads, is in an image
     * of width pixels of channels floats each (NHWC): tile counted in rows of tilesW tiles, each
     * side pixels wide and high.
     */
    static int tileCorner(int tile, int tilesW, int side, int width, int channels) {
        int th = tile / tilesW, tw = tile - th * tilesW;
        return (th * width + tw) * side * channels;
    }

    /**
     * dst[r][c][0, inCPad) = x at (r - padTop, c - padLeft), channels past inC and pixels outside x zero:
     * the input with the padding the tiles read, as many rows and columns as whole tiles need.
     */
    static void padInput(float[] x, int xOff, int inH, int inW, int inC, int padTop, int padLeft,
                                 int rows, int cols, int inCPad, float[] dst, int dstOff) {
        if (inC == inCPad) {
            Padding.copyPadded(x, xOff, inH, inW, inC, padTop, padLeft, rows, cols, dst, dstOff);
            return;
        }
        Arrays.fill(dst, dstOff, dstOff + rows * cols * inCPad, 0f);
        for (int ih = 0; ih < inH && ih + padTop < rows; ih++) {
            for (int iw = 0; iw < inW && iw + padLeft < cols; iw++) {
                System.arraycopy(x, xOff + (ih * inW + iw) * inC, dst, dstOff + ((ih + padTop) * cols + iw + padLeft) * inCPad, inC);
            }
        }
    }

    /**
     * One vector of channels of one tile: v[vOff + pos*posStride] = (B^T d B)[pos], d the alpha x
     * alpha pixels from src[at] (rowStride between rows, pixStride between pixels). B^T runs along
     * the rows into tmp, then down the columns; a 4x4 tile stays in registers ({@link #inputTile4}).
     */
    static void inputTile(WinogradTransforms t, float[] src, int at, int rowStride, int pixStride, float[] tmp,
                          float[] v, int vOff, int posStride) {
        int alpha = t.alpha;
        if (alpha == 4) {
            inputTile4(src, at, rowStride, pixStride, v, vOff, posStride);
            return;
        }
        for (int i = 0; i < alpha; i++) {
            transformInput(alpha, src, at + i * rowStride, pixStride, tmp, i * alpha * L, L);
        }
        for (int j = 0; j < alpha; j++) {
            transformInput(alpha, tmp, j * L, alpha * L, v, vOff + j * posStride, alpha * posStride);
        }
    }

    /**
     * {@link #inputTile} for {@code tiles} tiles side by side in one tile row, the first at src[at],
     * each {@code side} pixels right of the one before, written tileStep apart from v[vOff]. Tiles of
     * a row overlap (alpha pixels wide, side apart: 6 and 2 for F(2x2, 5x5)), so B^T runs down each
     * pixel column once for all of them, into columns, then along each row of a tile's column sums:
     * a row of 7 such tiles makes 18 + 42 one-dimensional transforms where one tile at a time made
     * 84 (the same sums in the other order, so other roundings; against float64 the forward pass
     * and the input gradient keep their mean error, WinogradAccuracyTest). tf-16-36's training step
     * ran 6% faster on 1 thread, 2-6% on 2 (Zen 5, both in one JVM in turns). A 4x4 tile stays in
     * registers, one at a time ({@link #inputTile4}).
     */
    static void inputTileRow(WinogradTransforms t, int tiles, float[] src, int at, int rowStride, int pixStride,
                             float[] columns, float[] v, int vOff, int tileStep, int posStride) {
        int alpha = t.alpha, side = t.m;
        if (alpha == 4 || tiles == 1) {
            for (int i = 0; i < tiles; i++) {
                inputTile(t, src, at + i * side * pixStride, rowStride, pixStride, columns, v, vOff + i * tileStep, posStride);
            }
            return;
        }
        // columns[col][k] = (B^T d)[k] down pixel column col; then tile i's position (k, j) is B^T along its row k.
        int width = (tiles - 1) * side + alpha;
        for (int col = 0; col < width; col++) {
            transformInput(alpha, src, at + col * pixStride, rowStride, columns, col * alpha * L, L);
        }
        for (int i = 0; i < tiles; i++) {
            for (int k = 0; k < alpha; k++) {
                transformInput(alpha, columns, (i * side * alpha + k) * L, alpha * L,
                        v, vOff + i * tileStep + k * alpha * posStride, posStride);
            }
        }
    }

    /**
     * {@link #inputTile} of F(2x2, 3x3): B^T's sums d0 - d2, d1 + d2, d2 - d1, d1 - d3 along each
     * row, then down each column, with the 16 pixels and the rows' sums held in registers. Through tmp the
     * two passes made 32 loads and 32 stores a tile where this makes 16 of each: keras-mnist's
     * conv2 input gradient transformed its 64 channels of 7x7 tiles in 5.9 us an example against
     * 3.5 (a probe of the two in turns, AVX-512 Zen 5), the same bits.
     */
    private static void inputTile4(float[] src, int at, int rowStride, int pixStride, float[] v, int vOff, int posStride) {
        int row1 = at + rowStride, row2 = at + 2 * rowStride, row3 = at + 3 * rowStride;
        FloatVector a0 = FloatVector.fromArray(S, src, at), a1 = FloatVector.fromArray(S, src, at + pixStride),
                a2 = FloatVector.fromArray(S, src, at + 2 * pixStride), a3 = FloatVector.fromArray(S, src, at + 3 * pixStride);
        FloatVector b0 = FloatVector.fromArray(S, src, row1), b1 = FloatVector.fromArray(S, src, row1 + pixStride),
                b2 = FloatVector.fromArray(S, src, row1 + 2 * pixStride), b3 = FloatVector.fromArray(S, src, row1 + 3 * pixStride);
        FloatVector c0 = FloatVector.fromArray(S, src, row2), c1 = FloatVector.fromArray(S, src, row2 + pixStride),
                c2 = FloatVector.fromArray(S, src, row2 + 2 * pixStride), c3 = FloatVector.fromArray(S, src, row2 + 3 * pixStride);
        FloatVector d0 = FloatVector.fromArray(S, src, row3), d1 = FloatVector.fromArray(S, src, row3 + pixStride),
                d2 = FloatVector.fromArray(S, src, row3 + 2 * pixStride), d3 = FloatVector.fromArray(S, src, row3 + 3 * pixStride);
        // Along the rows (rows a, b, c, d): x0 - x2, x1 + x2, x2 - x1, x1 - x3.
        FloatVector a0r = a0.sub(a2), a1r = a1.add(a2), a2r = a2.sub(a1), a3r = a1.sub(a3);
        FloatVector b0r = b0.sub(b2), b1r = b1.add(b2), b2r = b2.sub(b1), b3r = b1.sub(b3);
        FloatVector c0r = c0.sub(c2), c1r = c1.add(c2), c2r = c2.sub(c1), c3r = c1.sub(c3);
        FloatVector d0r = d0.sub(d2), d1r = d1.add(d2), d2r = d2.sub(d1), d3r = d1.sub(d3);
        // Down column j, the same sums: position 4k + j.
        int down = 4 * posStride, col = vOff;
        a0r.sub(c0r).intoArray(v, col);
        b0r.add(c0r).intoArray(v, col + down);
        c0r.sub(b0r).intoArray(v, col + 2 * down);
        b0r.sub(d0r).intoArray(v, col + 3 * down);
        col += posStride;
        a1r.sub(c1r).intoArray(v, col);
        b1r.add(c1r).intoArray(v, col + down);
        c1r.sub(b1r).intoArray(v, col + 2 * down);
        b1r.sub(d1r).intoArray(v, col + 3 * down);
        col += posStride;
        a2r.sub(c2r).intoArray(v, col);
        b2r.add(c2r).intoArray(v, col + down);
        c2r.sub(b2r).intoArray(v, col + 2 * down);
        b2r.sub(d2r).intoArray(v, col + 3 * down);
        col += posStride;
        a3r.sub(c3r).intoArray(v, col);
        b3r.add(c3r).intoArray(v, col + down);
        c3r.sub(b3r).intoArray(v, col + 2 * down);
        b3r.sub(d3r).intoArray(v, col + 3 * down);
    }

    /** (B^T d)[k], k < alpha, of the algorithm whose input tile side is alpha (see the methods it picks). */
    private static void transformInput(int alpha, float[] in, int inOff, int inStride, float[] out, int outOff, int outStride) {
        switch (alpha) {
            case 8 -> transformInput8(in, inOff, inStride, out, outOff, outStride);
            case 6 -> transformInput6(in, inOff, inStride, out, outOff, outStride);
            case 5 -> transformInput5(in, inOff, inStride, out, outOff, outStride);
            default -> transformInput3(in, inOff, inStride, out, outOff, outStride);
        }
    }

    /**
     * out[outOff + k*outStride] = (B^T d)[k], k < 6, for the vectors d[l] = in[inOff + l*inStride]
     * (F(2x2, 5x5)). Rows 1-2 (points +-1) and 3-4 (+-1/2) share their even and odd parts. Vectors
     * stay inside this method: passed to or returned from one that C2 does not inline, they would
     * be boxed.
     */
    private static void transformInput6(float[] in, int inOff, int inStride, float[] out, int outOff, int outStride) {
        FloatVector d0 = FloatVector.fromArray(S, in, inOff), d1 = FloatVector.fromArray(S, in, inOff + inStride),
                d2 = FloatVector.fromArray(S, in, inOff + 2 * inStride), d3 = FloatVector.fromArray(S, in, inOff + 3 * inStride),
                d4 = FloatVector.fromArray(S, in, inOff + 4 * inStride), d5 = FloatVector.fromArray(S, in, inOff + 5 * inStride);
        FloatVector four = FloatVector.broadcast(S, 4f), minusFive = FloatVector.broadcast(S, -5f);
        FloatVector even = d4.mul(4f).sub(d2), odd = d3.mul(4f).sub(d1);
        FloatVector evenHalf = d4.sub(d2).mul(2f), oddHalf = d3.sub(d1);
        d4.fma(four, d2.fma(minusFive, d0)).intoArray(out, outOff);
        even.add(odd).intoArray(out, outOff + outStride);
        even.sub(odd).intoArray(out, outOff + 2 * outStride);
        evenHalf.add(oddHalf).intoArray(out, outOff + 3 * outStride);
        evenHalf.sub(oddHalf).intoArray(out, outOff + 4 * outStride);
        d5.fma(four, d3.fma(minusFive, d1)).intoArray(out, outOff + 5 * outStride);
    }

    /**
     * As {@link #transformInput6}, k < 8, for F(4x4, 5x5): rows 1-2 (points +-1), 3-4 (+-1/2) and 5-6
     * (+-2) each share their even and odd parts.
     */
    private static void transformInput8(float[] in, int inOff, int inStride, float[] out, int outOff, int outStride) {
        FloatVector d0 = FloatVector.fromArray(S, in, inOff), d1 = FloatVector.fromArray(S, in, inOff + inStride),
                d2 = FloatVector.fromArray(S, in, inOff + 2 * inStride), d3 = FloatVector.fromArray(S, in, inOff + 3 * inStride),
                d4 = FloatVector.fromArray(S, in, inOff + 4 * inStride), d5 = FloatVector.fromArray(S, in, inOff + 5 * inStride),
                d6 = FloatVector.fromArray(S, in, inOff + 6 * inStride), d7 = FloatVector.fromArray(S, in, inOff + 7 * inStride);
        FloatVector four = FloatVector.broadcast(S, 4f), minusFour = FloatVector.broadcast(S, -4f);
        FloatVector twentyOne = FloatVector.broadcast(S, 21f), seventeen = FloatVector.broadcast(S, 17f);
        // 4 d0 - 21 d2 + 21 d4 - 4 d6 and 4 d7 - 21 d5 + 21 d3 - 4 d1
        d4.sub(d2).fma(twentyOne, d0.sub(d6).mul(four)).intoArray(out, outOff);
        FloatVector even1 = d4.fma(seventeen, d2.add(d6).mul(minusFour)), odd1 = d3.fma(seventeen, d1.add(d5).mul(minusFour));
        even1.add(odd1).intoArray(out, outOff + outStride);
        even1.sub(odd1).intoArray(out, outOff + 2 * outStride);
        // 8 d2 - 10 d4 + 2 d6, 4 d1 - 5 d3 + d5
        FloatVector even3 = d2.mul(4f).sub(d4.mul(5f)).add(d6).mul(2f), odd3 = d1.mul(4f).sub(d3.mul(5f)).add(d5);
        even3.add(odd3).intoArray(out, outOff + 3 * outStride);
        even3.sub(odd3).intoArray(out, outOff + 4 * outStride);
        // d2 - 5 d4 + 4 d6, 2 d1 - 10 d3 + 8 d5
        FloatVector even5 = d6.fma(four, d2.sub(d4.mul(5f))), odd5 = d5.mul(4f).sub(d3.mul(5f)).add(d1).mul(2f);
        even5.add(odd5).intoArray(out, outOff + 5 * outStride);
        even5.sub(odd5).intoArray(out, outOff + 6 * outStride);
        d3.sub(d5).fma(twentyOne, d7.sub(d1).mul(four)).intoArray(out, outOff + 7 * outStride);
    }

    /**
     * As {@link #transformInput6}, k < 5, for F(4x4, 2x2): 4 d0 - 5 d2 + d4, then rows 1-2 (points
     * +-1) and 3-4 (+-2) each as the sum and difference of their even and odd parts.
     */
    private static void transformInput5(float[] in, int inOff, int inStride, float[] out, int outOff, int outStride) {
        FloatVector d0 = FloatVector.fromArray(S, in, inOff), d1 = FloatVector.fromArray(S, in, inOff + inStride),
                d2 = FloatVector.fromArray(S, in, inOff + 2 * inStride), d3 = FloatVector.fromArray(S, in, inOff + 3 * inStride),
                d4 = FloatVector.fromArray(S, in, inOff + 4 * inStride);
        FloatVector four = FloatVector.broadcast(S, 4f), minusFour = FloatVector.broadcast(S, -4f);
        d0.fma(four, d2.fma(FloatVector.broadcast(S, -5f), d4)).intoArray(out, outOff);
        FloatVector even1 = d2.fma(minusFour, d4), odd1 = d1.fma(minusFour, d3);
        even1.add(odd1).intoArray(out, outOff + outStride);
        even1.sub(odd1).intoArray(out, outOff + 2 * outStride);
        FloatVector even2 = d4.sub(d2), odd2 = d3.sub(d1).mul(2f);
        even2.add(odd2).intoArray(out, outOff + 3 * outStride);
        even2.sub(odd2).intoArray(out, outOff + 4 * outStride);
    }

    /** As {@link #transformInput6}, k < 3, for F(2x2, 2x2): d0 - d1, d1, d2 - d1. */
    private static void transformInput3(float[] in, int inOff, int inStride, float[] out, int outOff, int outStride) {
        FloatVector d0 = FloatVector.fromArray(S, in, inOff), d1 = FloatVector.fromArray(S, in, inOff + inStride),
                d2 = FloatVector.fromArray(S, in, inOff + 2 * inStride);
        d0.sub(d1).intoArray(out, outOff);
        d1.intoArray(out, outOff + outStride);
        d2.sub(d1).intoArray(out, outOff + 2 * outStride);
    }

    /**
     * One vector of channels of one tile of the output gradient: d[dOff + pos*posStride] =
     * (A g A^T)[pos], g the 2x2 gradients at src[at], src[at + pixStride], src[at + rowStride],
     * src[at + rowStride + pixStride], whole vectors (lanes past the layer's channels are computed
     * and land in the run's unread part). A (alpha x 2, the transpose of A^T) runs along both rows
     * into tmp, then down the alpha columns; a 4x4 tile stays in registers ({@link #gradientTile4}).
     */
    static void gradientTile(WinogradTransforms t, float[] src, int at, int rowStride, int pixStride, float[] tmp,
                             float[] d, int dOff, int posStride) {
        int alpha = t.alpha;
        if (alpha == 4) {
            gradientTile4(src, at, rowStride, pixStride, d, dOff, posStride);
            return;
        }
        for (int i = 0; i < t.m; i++) {
            spreadGradient(alpha, src, at + i * rowStride, pixStride, tmp, i * alpha * L, L);
        }
        for (int j = 0; j < alpha; j++) {
            spreadGradient(alpha, tmp, j * L, alpha * L, d, dOff + j * posStride, alpha * posStride);
        }
    }

    /**
     * {@link #gradientTile} of F(2x2, 3x3) in registers (as {@link #inputTile4}): A's g0, g0 + g1,
     * g0 - g1, -g1 along both rows of the 2x2 gradients, then down the four columns, with 4 loads
     * and 16 stores where two passes through tmp made 12 and 24.
     */
    private static void gradientTile4(float[] src, int at, int rowStride, int pixStride, float[] d, int dOff, int posStride) {
        FloatVector top0 = FloatVector.fromArray(S, src, at), top1 = FloatVector.fromArray(S, src, at + pixStride);
        FloatVector bottom0 = FloatVector.fromArray(S, src, at + rowStride),
                bottom1 = FloatVector.fromArray(S, src, at + rowStride + pixStride);
        // Along each row: g0, g0 + g1, g0 - g1, -g1; the first and last are the loaded vectors.
        FloatVector topSum = top0.add(top1), topDiff = top0.sub(top1), topLast = top1.neg();
        FloatVector bottomSum = bottom0.add(bottom1), bottomDiff = bottom0.sub(bottom1), bottomLast = bottom1.neg();
        // Down column j (the top row's value g0, the bottom row's g1), the same four: position 4k + j.
        int down = 4 * posStride, col = dOff;
        top0.intoArray(d, col);
        top0.add(bottom0).intoArray(d, col + down);
        top0.sub(bottom0).intoArray(d, col + 2 * down);
        bottom0.neg().intoArray(d, col + 3 * down);
        col += posStride;
        topSum.intoArray(d, col);
        topSum.add(bottomSum).intoArray(d, col + down);
        topSum.sub(bottomSum).intoArray(d, col + 2 * down);
        bottomSum.neg().intoArray(d, col + 3 * down);
        col += posStride;
        topDiff.intoArray(d, col);
        topDiff.add(bottomDiff).intoArray(d, col + down);
        topDiff.sub(bottomDiff).intoArray(d, col + 2 * down);
        bottomDiff.neg().intoArray(d, col + 3 * down);
        col += posStride;
        topLast.intoArray(d, col);
        topLast.add(bottomLast).intoArray(d, col + down);
        topLast.sub(bottomLast).intoArray(d, col + 2 * down);
        bottomLast.neg().intoArray(d, col + 3 * down);
    }

    /** (A g)[k], k < alpha, of the algorithm whose input tile side is alpha (see the methods it picks). */
    private static void spreadGradient(int alpha, float[] in, int inOff, int inStride, float[] out, int outOff, int outStride) {
        switch (alpha) {
            case 6 -> spreadGradient6(in, inOff, inStride, out, outOff, outStride);
            default -> spreadGradient3(in, inOff, inStride, out, outOff, outStride);
        }
    }

    /**
     * out[outOff + k*outStride] = (A g)[k], k < 6, for the vectors g0 = in[inOff], g1 = in[inOff + inStride]:
     * g0, g0 + g1, g0 - g1, g0 + g1/2, g0 - g1/2, g1 (the columns of F(2x2, 5x5)'s A^T).
     */
    private static void spreadGradient6(float[] in, int inOff, int inStride, float[] out, int outOff, int outStride) {
        FloatVector g0 = FloatVector.fromArray(S, in, inOff), g1 = FloatVector.fromArray(S, in, inOff + inStride);
        FloatVector half = g1.mul(0.5f);
        g0.intoArray(out, outOff);
        g0.add(g1).intoArray(out, outOff + outStride);
        g0.sub(g1).intoArray(out, outOff + 2 * outStride);
        g0.add(half).intoArray(out, outOff + 3 * outStride);
        g0.sub(half).intoArray(out, outOff + 4 * outStride);
        g1.intoArray(out, outOff + 5 * outStride);
    }

    /** As {@link #spreadGradient6}, k < 3, for F(2x2, 2x2): g0, g0 + g1, g1. */
    private static void spreadGradient3(float[] in, int inOff, int inStride, float[] out, int outOff, int outStride) {
        FloatVector g0 = FloatVector.fromArray(S, in, inOff), g1 = FloatVector.fromArray(S, in, inOff + inStride);
        g0.intoArray(out, outOff);
        g0.add(g1).intoArray(out, outOff + outStride);
        g1.intoArray(out, outOff + 2 * outStride);
    }

    /**
     * One vector of channels of one tile: the 2x2 outputs A^T m A + b, then max(0) when relu is set,
     * to dst[at], dst[at + pixStride], dst[at + rowStride], dst[at + rowStride + pixStride], from
     * m[mOff + pos*posStride]. A^T runs along each row of m into tmp (two sums a row), then down
     * the columns; a 4x4 tile of m is held in registers instead ({@link #outputTile4}).
     */
    static void outputTile(WinogradTransforms t, float[] m, int mOff, int posStride, float[] tmp, float[] b, int bOff,
                           boolean relu, float[] dst, int at, int rowStride, int pixStride) {
        if (t.m == 4) {
            switch (t.alpha) {
                case 8 -> outputTile8x4(m, mOff, posStride, tmp, b, bOff, relu, dst, at, rowStride, pixStride);
                case 6 -> outputTile6x4(m, mOff, posStride, tmp, b, bOff, relu, dst, at, rowStride, pixStride);
                default -> outputTile5x4(m, mOff, posStride, tmp, b, bOff, relu, dst, at, rowStride, pixStride);
            }
            return;
        }
        switch (t.alpha) {
            case 6 -> outputTile6(m, mOff, posStride, tmp, b, bOff, relu, dst, at, rowStride, pixStride);
            case 4 -> outputTile4(m, mOff, posStride, b, bOff, relu, dst, at, rowStride, pixStride);
            default -> outputTile3(m, mOff, posStride, tmp, b, bOff, relu, dst, at, rowStride, pixStride);
        }
    }

    /** {@link #outputTile} of F(2x2, 5x5): row 0 of A^T is m0 + m1 + m2 + m3 + m4, row 1 is m1 - m2 + (m3 - m4)/2 + m5. */
    private static void outputTile6(float[] m, int mOff, int posStride, float[] tmp, float[] b, int bOff, boolean relu,
                                    float[] dst, int at, int rowStride, int pixStride) {
        for (int a = 0, row = mOff; a < 6; a++, row += 6 * posStride) {
            FloatVector m0 = FloatVector.fromArray(S, m, row), m1 = FloatVector.fromArray(S, m, row + posStride),
                    m2 = FloatVector.fromArray(S, m, row + 2 * posStride), m3 = FloatVector.fromArray(S, m, row + 3 * posStride),
                    m4 = FloatVector.fromArray(S, m, row + 4 * posStride), m5 = FloatVector.fromArray(S, m, row + 5 * posStride);
            m0.add(m1.add(m2)).add(m3.add(m4)).intoArray(tmp, 2 * a * L);
            m1.sub(m2).add(m3.sub(m4).mul(0.5f)).add(m5).intoArray(tmp, (2 * a + 1) * L);
        }
        FloatVector bias = FloatVector.fromArray(S, b, bOff);
        for (int j = 0; j < 2; j++) {
            FloatVector s0 = FloatVector.fromArray(S, tmp, j * L), s1 = FloatVector.fromArray(S, tmp, (2 + j) * L),
                    s2 = FloatVector.fromArray(S, tmp, (4 + j) * L), s3 = FloatVector.fromArray(S, tmp, (6 + j) * L),
                    s4 = FloatVector.fromArray(S, tmp, (8 + j) * L), s5 = FloatVector.fromArray(S, tmp, (10 + j) * L);
            FloatVector top = s0.add(s1.add(s2)).add(s3.add(s4)).add(bias);
            FloatVector bottom = s1.sub(s2).add(s3.sub(s4).mul(0.5f)).add(s5).add(bias);
            if (relu) {
                top = top.blend(0f, top.compare(LE, 0f));
                bottom = bottom.blend(0f, bottom.compare(LE, 0f));
            }
            top.intoArray(dst, at + j * pixStride);
            bottom.intoArray(dst, at + rowStride + j * pixStride);
        }
    }

    /**
     * {@link #outputTile} of F(4x4, 3x3), 4x4 outputs: with s = m1 + m2, d = m1 - m2, s' = m3 + m4 and
     * d' = m3 - m4, the rows of A^T are m0 + s + s', d + d'/2, s + s'/4 and d + d'/8 + m5.
     */
    private static void outputTile6x4(float[] m, int mOff, int posStride, float[] tmp, float[] b, int bOff, boolean relu,
                                      float[] dst, int at, int rowStride, int pixStride) {
        for (int a = 0, row = mOff; a < 6; a++, row += 6 * posStride) {
            FloatVector m0 = FloatVector.fromArray(S, m, row), m1 = FloatVector.fromArray(S, m, row + posStride),
                    m2 = FloatVector.fromArray(S, m, row + 2 * posStride), m3 = FloatVector.fromArray(S, m, row + 3 * posStride),
                    m4 = FloatVector.fromArray(S, m, row + 4 * posStride), m5 = FloatVector.fromArray(S, m, row + 5 * posStride);
            FloatVector sum = m1.add(m2), diff = m1.sub(m2), sumHalf = m3.add(m4), diffHalf = m3.sub(m4);
            m0.add(sum).add(sumHalf).intoArray(tmp, 4 * a * L);
            diffHalf.mul(0.5f).add(diff).intoArray(tmp, (4 * a + 1) * L);
            sumHalf.mul(0.25f).add(sum).intoArray(tmp, (4 * a + 2) * L);
            diffHalf.mul(0.125f).add(diff).add(m5).intoArray(tmp, (4 * a + 3) * L);
        }
        FloatVector bias = FloatVector.fromArray(S, b, bOff);
        for (int j = 0; j < 4; j++) {
            // Column j of the rows above, down the six of them: tmp[(4a + j) L].
            FloatVector s0 = FloatVector.fromArray(S, tmp, j * L), s1 = FloatVector.fromArray(S, tmp, (4 + j) * L),
                    s2 = FloatVector.fromArray(S, tmp, (8 + j) * L), s3 = FloatVector.fromArray(S, tmp, (12 + j) * L),
                    s4 = FloatVector.fromArray(S, tmp, (16 + j) * L), s5 = FloatVector.fromArray(S, tmp, (20 + j) * L);
            FloatVector sum = s1.add(s2), diff = s1.sub(s2), sumHalf = s3.add(s4), diffHalf = s3.sub(s4);
            FloatVector y0 = s0.add(sum).add(sumHalf).add(bias);
            FloatVector y1 = diffHalf.mul(0.5f).add(diff).add(bias);
            FloatVector y2 = sumHalf.mul(0.25f).add(sum).add(bias);
            FloatVector y3 = diffHalf.mul(0.125f).add(diff).add(s5).add(bias);
            if (relu) {
                y0 = y0.blend(0f, y0.compare(LE, 0f));
                y1 = y1.blend(0f, y1.compare(LE, 0f));
                y2 = y2.blend(0f, y2.compare(LE, 0f));
                y3 = y3.blend(0f, y3.compare(LE, 0f));
            }
            int pixel = at + j * pixStride;
            y0.intoArray(dst, pixel);
            y1.intoArray(dst, pixel + rowStride);
            y2.intoArray(dst, pixel + 2 * rowStride);
            y3.intoArray(dst, pixel + 3 * rowStride);
        }
    }

    /**
     * {@link #outputTile} of F(4x4, 5x5), 4x4 outputs: with s, d = m1 +- m2, s', d' = m3 +- m4 and s'',
     * d'' = m5 +- m6, the rows of A^T are m0 + s + s' + s'', d + d'/2 + 2d'', s + s'/4 + 4s'' and
     * d + d'/8 + 8d'' + m7. The ReLU and stores repeat {@link #outputTile6x4}'s: moved into a method
     * of their own, C2 stopped inlining it in these large methods (NodeCountInliningCutoff, even when
     * a directive asked for it), boxed the vectors, and tf-16-36 predicted at half the speed.
     */
    private static void outputTile8x4(float[] m, int mOff, int posStride, float[] tmp, float[] b, int bOff, boolean relu,
                                      float[] dst, int at, int rowStride, int pixStride) {
        for (int a = 0, row = mOff; a < 8; a++, row += 8 * posStride) {
            FloatVector m0 = FloatVector.fromArray(S, m, row), m1 = FloatVector.fromArray(S, m, row + posStride),
                    m2 = FloatVector.fromArray(S, m, row + 2 * posStride), m3 = FloatVector.fromArray(S, m, row + 3 * posStride),
                    m4 = FloatVector.fromArray(S, m, row + 4 * posStride), m5 = FloatVector.fromArray(S, m, row + 5 * posStride),
                    m6 = FloatVector.fromArray(S, m, row + 6 * posStride), m7 = FloatVector.fromArray(S, m, row + 7 * posStride);
            FloatVector sum = m1.add(m2), diff = m1.sub(m2), sumHalf = m3.add(m4), diffHalf = m3.sub(m4);
            FloatVector sumTwo = m5.add(m6), diffTwo = m5.sub(m6);
            m0.add(sum).add(sumHalf).add(sumTwo).intoArray(tmp, 4 * a * L);
            diffHalf.mul(0.5f).add(diff).add(diffTwo.mul(2f)).intoArray(tmp, (4 * a + 1) * L);
            sumHalf.mul(0.25f).add(sum).add(sumTwo.mul(4f)).intoArray(tmp, (4 * a + 2) * L);
            diffHalf.mul(0.125f).add(diff).add(diffTwo.mul(8f)).add(m7).intoArray(tmp, (4 * a + 3) * L);
        }
        FloatVector bias = FloatVector.fromArray(S, b, bOff);
        for (int j = 0; j < 4; j++) {
            // Column j of the rows above, down the eight of them: tmp[(4a + j) L].
            FloatVector s0 = FloatVector.fromArray(S, tmp, j * L), s1 = FloatVector.fromArray(S, tmp, (4 + j) * L),
                    s2 = FloatVector.fromArray(S, tmp, (8 + j) * L), s3 = FloatVector.fromArray(S, tmp, (12 + j) * L),
                    s4 = FloatVector.fromArray(S, tmp, (16 + j) * L), s5 = FloatVector.fromArray(S, tmp, (20 + j) * L),
                    s6 = FloatVector.fromArray(S, tmp, (24 + j) * L), s7 = FloatVector.fromArray(S, tmp, (28 + j) * L);
            FloatVector sum = s1.add(s2), diff = s1.sub(s2), sumHalf = s3.add(s4), diffHalf = s3.sub(s4);
            FloatVector sumTwo = s5.add(s6), diffTwo = s5.sub(s6);
            FloatVector y0 = s0.add(sum).add(sumHalf).add(sumTwo).add(bias);
            FloatVector y1 = diffHalf.mul(0.5f).add(diff).add(diffTwo.mul(2f)).add(bias);
            FloatVector y2 = sumHalf.mul(0.25f).add(sum).add(sumTwo.mul(4f)).add(bias);
            FloatVector y3 = diffHalf.mul(0.125f).add(diff).add(diffTwo.mul(8f)).add(s7).add(bias);
            if (relu) {
                y0 = y0.blend(0f, y0.compare(LE, 0f));
                y1 = y1.blend(0f, y1.compare(LE, 0f));
                y2 = y2.blend(0f, y2.compare(LE, 0f));
                y3 = y3.blend(0f, y3.compare(LE, 0f));
            }
            int pixel = at + j * pixStride;
            y0.intoArray(dst, pixel);
            y1.intoArray(dst, pixel + rowStride);
            y2.intoArray(dst, pixel + 2 * rowStride);
            y3.intoArray(dst, pixel + 3 * rowStride);
        }
    }

    /**
     * {@link #outputTile} of F(4x4, 2x2), 4x4 outputs: with s, d = m1 +- m2 and s', d' = m3 +- m4,
     * the rows of A^T are m0 + s + s', d + 2d', s + 4s' and d + 8d'. The ReLU and stores repeat
     * {@link #outputTile8x4}'s, for the reason given there.
     */
    private static void outputTile5x4(float[] m, int mOff, int posStride, float[] tmp, float[] b, int bOff, boolean relu,
                                      float[] dst, int at, int rowStride, int pixStride) {
        for (int a = 0, row = mOff; a < 5; a++, row += 5 * posStride) {
            FloatVector m0 = FloatVector.fromArray(S, m, row), m1 = FloatVector.fromArray(S, m, row + posStride),
                    m2 = FloatVector.fromArray(S, m, row + 2 * posStride), m3 = FloatVector.fromArray(S, m, row + 3 * posStride),
                    m4 = FloatVector.fromArray(S, m, row + 4 * posStride);
            FloatVector sum = m1.add(m2), diff = m1.sub(m2), sumTwo = m3.add(m4), diffTwo = m3.sub(m4);
            m0.add(sum).add(sumTwo).intoArray(tmp, 4 * a * L);
            diffTwo.mul(2f).add(diff).intoArray(tmp, (4 * a + 1) * L);
            sumTwo.mul(4f).add(sum).intoArray(tmp, (4 * a + 2) * L);
            diffTwo.mul(8f).add(diff).intoArray(tmp, (4 * a + 3) * L);
        }
        FloatVector bias = FloatVector.fromArray(S, b, bOff);
        for (int j = 0; j < 4; j++) {
            // Column j of the rows above, down the five of them: tmp[(4a + j) L].
            FloatVector s0 = FloatVector.fromArray(S, tmp, j * L), s1 = FloatVector.fromArray(S, tmp, (4 + j) * L),
                    s2 = FloatVector.fromArray(S, tmp, (8 + j) * L), s3 = FloatVector.fromArray(S, tmp, (12 + j) * L),
                    s4 = FloatVector.fromArray(S, tmp, (16 + j) * L);
            FloatVector sum = s1.add(s2), diff = s1.sub(s2), sumTwo = s3.add(s4), diffTwo = s3.sub(s4);
            FloatVector y0 = s0.add(sum).add(sumTwo).add(bias);
            FloatVector y1 = diffTwo.mul(2f).add(diff).add(bias);
            FloatVector y2 = sumTwo.mul(4f).add(sum).add(bias);
            FloatVector y3 = diffTwo.mul(8f).add(diff).add(bias);
            if (relu) {
                y0 = y0.blend(0f, y0.compare(LE, 0f));
                y1 = y1.blend(0f, y1.compare(LE, 0f));
                y2 = y2.blend(0f, y2.compare(LE, 0f));
                y3 = y3.blend(0f, y3.compare(LE, 0f));
            }
            int pixel = at + j * pixStride;
            y0.intoArray(dst, pixel);
            y1.intoArray(dst, pixel + rowStride);
            y2.intoArray(dst, pixel + 2 * rowStride);
            y3.intoArray(dst, pixel + 3 * rowStride);
        }
    }

    /**
     * {@link #outputTile} of F(2x2, 3x3): row 0 of A^T is m0 + m1 + m2, row 1 is m1 - m2 - m3. The
     * 16 values and the rows' sums stay in registers: 17 loads and 4 stores a tile, where the pass
     * through a scratch tile made 25 and 12.
     */
    private static void outputTile4(float[] m, int mOff, int posStride, float[] b, int bOff, boolean relu,
                                    float[] dst, int at, int rowStride, int pixStride) {
        // Rows a-d of m, each summed along as m0 + m1 + m2 and m1 - m2 - m3; then down the columns.
        int down = 4 * posStride, rowB = mOff + down, rowC = mOff + 2 * down, rowD = mOff + 3 * down;
        FloatVector a0 = FloatVector.fromArray(S, m, mOff), a1 = FloatVector.fromArray(S, m, mOff + posStride),
                a2 = FloatVector.fromArray(S, m, mOff + 2 * posStride), a3 = FloatVector.fromArray(S, m, mOff + 3 * posStride);
        FloatVector aTop = a0.add(a1).add(a2), aBottom = a1.sub(a2).sub(a3);
        FloatVector b0 = FloatVector.fromArray(S, m, rowB), b1 = FloatVector.fromArray(S, m, rowB + posStride),
                b2 = FloatVector.fromArray(S, m, rowB + 2 * posStride), b3 = FloatVector.fromArray(S, m, rowB + 3 * posStride);
        FloatVector bTop = b0.add(b1).add(b2), bBottom = b1.sub(b2).sub(b3);
        FloatVector c0 = FloatVector.fromArray(S, m, rowC), c1 = FloatVector.fromArray(S, m, rowC + posStride),
                c2 = FloatVector.fromArray(S, m, rowC + 2 * posStride), c3 = FloatVector.fromArray(S, m, rowC + 3 * posStride);
        FloatVector cTop = c0.add(c1).add(c2), cBottom = c1.sub(c2).sub(c3);
        FloatVector d0 = FloatVector.fromArray(S, m, rowD), d1 = FloatVector.fromArray(S, m, rowD + posStride),
                d2 = FloatVector.fromArray(S, m, rowD + 2 * posStride), d3 = FloatVector.fromArray(S, m, rowD + 3 * posStride);
        FloatVector dTop = d0.add(d1).add(d2), dBottom = d1.sub(d2).sub(d3);
        FloatVector bias = FloatVector.fromArray(S, b, bOff);
        FloatVector y00 = aTop.add(bTop).add(cTop).add(bias), y10 = bTop.sub(cTop).sub(dTop).add(bias);
        FloatVector y01 = aBottom.add(bBottom).add(cBottom).add(bias), y11 = bBottom.sub(cBottom).sub(dBottom).add(bias);
        if (relu) {
            y00 = y00.blend(0f, y00.compare(LE, 0f));
            y10 = y10.blend(0f, y10.compare(LE, 0f));
            y01 = y01.blend(0f, y01.compare(LE, 0f));
            y11 = y11.blend(0f, y11.compare(LE, 0f));
        }
        y00.intoArray(dst, at);
        y10.intoArray(dst, at + rowStride);
        y01.intoArray(dst, at + pixStride);
        y11.intoArray(dst, at + rowStride + pixStride);
    }

    /** {@link #outputTile} of F(2x2, 2x2): row 0 of A^T is m0 + m1, row 1 is m1 + m2. */
    private static void outputTile3(float[] m, int mOff, int posStride, float[] tmp, float[] b, int bOff, boolean relu,
                                    float[] dst, int at, int rowStride, int pixStride) {
        for (int a = 0, row = mOff; a < 3; a++, row += 3 * posStride) {
            FloatVector m0 = FloatVector.fromArray(S, m, row), m1 = FloatVector.fromArray(S, m, row + posStride),
                    m2 = FloatVector.fromArray(S, m, row + 2 * posStride);
            m0.add(m1).intoArray(tmp, 2 * a * L);
            m1.add(m2).intoArray(tmp, (2 * a + 1) * L);
        }
        FloatVector bias = FloatVector.fromArray(S, b, bOff);
        for (int j = 0; j < 2; j++) {
            FloatVector s0 = FloatVector.fromArray(S, tmp, j * L), s1 = FloatVector.fromArray(S, tmp, (2 + j) * L),
                    s2 = FloatVector.fromArray(S, tmp, (4 + j) * L);
            FloatVector top = s0.add(s1).add(bias);
            FloatVector bottom = s1.add(s2).add(bias);
            if (relu) {
                top = top.blend(0f, top.compare(LE, 0f));
                bottom = bottom.blend(0f, bottom.compare(LE, 0f));
            }
            top.intoArray(dst, at + j * pixStride);
            bottom.intoArray(dst, at + rowStride + j * pixStride);
        }
    }
}
