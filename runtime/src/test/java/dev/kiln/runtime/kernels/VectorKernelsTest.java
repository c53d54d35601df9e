package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.dsl.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method of {@link VectorKernels} against {@link ScalarKernels} at awkward sizes: channel
 * counts around the lane count (1, 3, 7, 13, 16, 17, 36, 64), odd spatial sizes, square and
 * non-square kernels, strides 1-3, SAME padding with the extra row after, and dense shapes that
 * cross the k-block. Arrays start at non-zero offsets and are surrounded by values that must stay
 * untouched. Shapes stay small because the first calls run before C2 has compiled anything.
 *
 * <p>Tolerance: FMA and a different summation order change the rounding; with inputs in [-1, 1]
 * the difference of a sum of n products stays below n * 2^-21 plus a few ulps of the result.
 */
class VectorKernelsTest {

    private static final Kernels SCALAR = new ScalarKernels();
    private static final Kernels VECTOR = new VectorKernels();
    private static final int PAD = 5;               // offset of every array and guard cells after it
    private static final float GUARD = 12345f;
    /**
     * How many times the direct sums' tolerance a Winograd convolution may differ by: its transforms
     * add and scale (by up to 5) before the products, so it rounds more (see WinogradTransforms).
     */
    private static final int WINOGRAD_ERROR = 4;

    static ConvGeometry same(int inC, int h, int w, int outC, int kh, int kw, int stride) {
        int outH = (h + stride - 1) / stride, outW = (w + stride - 1) / stride;
        int padH = Math.max((outH - 1) * stride + kh - h, 0), padW = Math.max((outW - 1) * stride + kw - w, 0);
        return new ConvGeometry(inC, h, w, outC, kh, kw, stride, padH / 2, padW / 2, outH, outW);
    }

    static ConvGeometry valid(int inC, int h, int w, int outC, int kh, int kw, int stride) {
        return new ConvGeometry(inC, h, w, outC, kh, kw, stride, 0, 0, (h - kh) / stride + 1, (w - kw) / stride + 1);
    }

    /** PyTorch's padding with floor = true: windows that do not fit are dropped, with what they would have read. */
    static ConvGeometry floored(int inC, int h, int w, int outC, int k, int stride, int padding) {
        return new ConvGeometry(inC, h, w, outC, k, k, stride, padding, padding,
                (h + 2 * padding - k) / stride + 1, (w + 2 * padding - k) / stride + 1);
    }

    static Stream<ConvGeometry> convShapes() {
        return Stream.concat(commonShapes(), unreadInputShapes());
    }

    /**
     * Geometries where no window reads the last input rows or columns, yet some window reads
     * padding: the padded copy is then narrower or shorter than padding + input, and those pixels'
     * input gradient must come out zero.
     */
    static Stream<ConvGeometry> unreadInputShapes() {
        return Stream.of(
                new ConvGeometry(9, 7, 8, 17, 5, 5, 1, 1, 2, 4, 5),   // the reported one: last column unread
                floored(5, 9, 9, 12, 3, 3, 1),    // @Conv(kernel 3, stride 3, padding 1, floor): last row and column
                floored(17, 10, 11, 9, 3, 4, 1),  // ...stride 4: column 10 unread, every row read
                floored(36, 10, 9, 20, 5, 4, 1),  // 5x5 stride 4: rows 8-9 and column 8 unread; 36 channels (tails)
                same(7, 8, 8, 12, 3, 1, 2),       // SAME 3x1 stride 2: rows padded 0/1, last column unread
                same(9, 8, 10, 13, 1, 5, 2),      // SAME 1x5 stride 2: last row unread, columns padded 1/2
                same(5, 7, 9, 6, 2, 2, 3),        // SAME 2x2 stride 3: rows padded 0/1, last column unread
                new ConvGeometry(16, 10, 10, 8, 3, 3, 1, 2, 2, 9, 9),  // the flipped-kernel input gradient, last row and column unread
                valid(9, 9, 10, 12, 3, 3, 3));    // stride 3, no padding: last column unread
    }

    static Stream<ConvGeometry> commonShapes() {
        return Stream.of(
                same(1, 28, 28, 32, 5, 5, 1),     // tf-mnist conv1
                same(1, 28, 28, 16, 5, 5, 1),     // tf-16-36 conv1: one vector of outputs at 512 bits
                valid(1, 28, 28, 32, 3, 3, 1),    // keras-mnist conv1
                same(1, 9, 6, 48, 2, 3, 1),       // one channel: a pair of output vectors and one more at 512 bits
                valid(1, 3, 5, 64, 3, 1, 1),      // one channel, a single output row
                valid(1, 20, 21, 32, 3, 3, 1),    // one channel, rows of 19: vectors of windows run on into the next row
                same(1, 11, 11, 16, 3, 3, 1),     // one channel, rows of 11: at 512 bits a vector spans two rows and more
                valid(1, 28, 28, 48, 3, 3, 1),    // one channel 3 wide, rows of 26 (the last 7-pixel tile overlaps), 48 channels
                same(1, 7, 7, 16, 3, 3, 1),       // one channel 3 wide, rows of exactly one tile
                valid(1, 9, 8, 32, 3, 3, 1),      // one channel 3 wide, rows of 6: narrower than a tile, on the packed windows
                valid(1, 12, 11, 16, 5, 3, 1),    // one channel 5x3: five kernel rows of the 3-wide tile
                same(1, 12, 17, 64, 5, 5, 1),     // one channel 5 wide, rows of 17: the row's last 7-pixel tile overlaps
                valid(1, 9, 10, 32, 5, 5, 1),     // one channel 5 wide, rows of 6: narrower than a 7-pixel tile
                valid(1, 10, 13, 48, 4, 5, 1),    // one channel 4x5, rows of 9, 48 channels (3 vectors at 512 bits)
                valid(1, 8, 11, 32, 3, 5, 1),     // one channel 3x5: one pass of three kernel rows in the weight gradient
                same(1, 9, 10, 16, 7, 5, 1),      // one channel 7x5: passes of three, two and two kernel rows
                same(1, 6, 9, 16, 1, 5, 1),       // one channel 1x5: too short for the in-place weight gradient
                same(32, 7, 7, 64, 5, 5, 1),      // conv2's channels on a smaller image: flipped-kernel input gradient
                valid(32, 13, 13, 64, 3, 3, 1),   // keras-mnist conv2: input gradient by product and scatter
                valid(64, 20, 20, 20, 5, 5, 1),   // that input gradient in 8 blocks of output pixels, the last partial
                valid(32, 13, 13, 64, 2, 2, 1),   // pytorch-mnist conv2
                same(16, 7, 7, 36, 5, 5, 1),      // tf-16-36 conv2 (36 = 2 vectors + 4)
                valid(3, 13, 13, 7, 3, 3, 1),
                same(7, 5, 5, 17, 3, 3, 2),       // SAME stride 2: the extra padding row goes after
                same(13, 7, 7, 36, 5, 5, 3),
                valid(16, 5, 7, 16, 3, 2, 1),     // non-square kernel and image
                same(17, 13, 5, 13, 1, 5, 1),
                valid(64, 1, 1, 3, 1, 1, 1),
                same(3, 1, 1, 64, 3, 3, 1),       // one pixel, all taps but one in the padding
                new ConvGeometry(36, 7, 7, 1, 3, 3, 2, 1, 1, 4, 4),
                valid(1, 28, 28, 16, 2, 2, 2),
                valid(7, 13, 13, 36, 5, 5, 3),
                valid(13, 28, 5, 17, 5, 1, 3));
    }

    @ParameterizedTest
    @MethodSource("convShapes")
    void convForward(ConvGeometry g) {
        Random rnd = new Random(g.hashCode());
        float[] x = data(rnd, g.inSize()), w = plain(rnd, g.weightSize()), b = plain(rnd, g.outC());
        for (Activation act : Activation.values()) {
            float[] expected = guarded(g.outSize()), actual = guarded(g.outSize());
            SCALAR.convForward(g, act, x, PAD, w, b, expected, PAD);
            VECTOR.convForward(g, act, x, PAD, w, b, actual, PAD);
            assertClose(expected, actual, g.kh() * g.kw() * g.inC() + 1, "convForward " + act + " " + g);
            float[] packed = new float[VECTOR.packedConvSize(g)], fromPacked = guarded(g.outSize());
            VECTOR.packConvWeights(g, w, packed);
            VECTOR.convForwardPacked(g, act, x, PAD, w, packed, b, fromPacked, PAD);
            if (WinogradConv.forwardApplies(g)) {
                assertClose(expected, fromPacked, WINOGRAD_ERROR * (g.kh() * g.kw() * g.inC() + 1), "convForwardPacked (Winograd) " + act + " " + g);
            } else {
                assertArrayEquals(actual, fromPacked, "convForwardPacked equals convForward " + act + " " + g);
            }
        }
    }

    /**
     * How many times the direct sums' tolerance a prediction's 4x4 tiles may differ by: F(4x4, 3x3)'s
     * transforms scale by up to 5 on the way in and sum six terms on the way out, F(4x4, 5x5)'s by up
     * to 21 and eight, F(4x4, 2x2)'s by up to 5 and 8 and five terms. (On these shapes all stayed within
     * the direct sums' own tolerance, at 512 bits.)
     */
    private static final int LARGE_TILE_ERROR = 16;

    /** 5x5, 3x3 and 2x2 convolutions a prediction runs on 4x4 tiles: whole tiles, partial ones, one tile, padded channels. */
    static Stream<ConvGeometry> inferenceShapes() {
        return Stream.concat(convShapes(), Stream.of(
                same(32, 14, 14, 64, 3, 3, 1),    // lenet-like conv2: 16 tiles of 4x4, blocks of 12 and 4
                same(64, 7, 7, 128, 3, 3, 1),     // lenet-like conv3: 2x2 tiles, the last row and column partial
                valid(16, 6, 6, 16, 3, 3, 1),     // exactly one tile
                same(16, 3, 3, 16, 3, 3, 1),      // one partial tile, taps in the padding
                same(17, 9, 6, 20, 3, 3, 1),      // channels past whole vectors, 9x6 outputs
                same(16, 9, 6, 32, 3, 3, 1),      // whole vectors of channels, 9x6 outputs: partial tiles through the edge tile
                valid(32, 26, 26, 64, 3, 3, 1),   // keras-mnist conv2: 24x24, 36 tiles
                same(16, 14, 14, 36, 5, 5, 1),    // tf-16-36 conv2: 4x4 tiles, the last row and column partial
                same(32, 14, 14, 64, 5, 5, 1),    // tf-mnist conv2
                valid(16, 8, 8, 16, 5, 5, 1),     // exactly one tile
                same(16, 3, 3, 16, 5, 5, 1),      // one partial tile, taps in the padding
                same(17, 9, 6, 20, 5, 5, 1),      // channels past whole vectors, 9x6 outputs
                valid(32, 13, 13, 64, 2, 2, 1),   // pytorch-mnist conv2: 12x12, 3x3 whole tiles
                valid(16, 5, 5, 16, 2, 2, 1),     // exactly one tile
                valid(16, 4, 4, 16, 2, 2, 1),     // one partial tile
                valid(17, 10, 7, 20, 2, 2, 1),    // channels past whole vectors, 9x6 outputs
                same(17, 9, 6, 20, 2, 2, 1)));    // the same, padded below and right
    }

    @ParameterizedTest
    @MethodSource("inferenceShapes")
    void convInferencePacked(ConvGeometry g) {
        Random rnd = new Random(g.hashCode() + 7);
        float[] x = data(rnd, g.inSize()), w = plain(rnd, g.weightSize()), b = plain(rnd, g.outC());
        float[] packed = new float[VECTOR.packedConvSize(g)];
        VECTOR.packConvWeights(g, w, packed);
        float[] inference = new float[VECTOR.packedConvInferenceSize(g) + 1];
        inference[inference.length - 1] = GUARD;
        VECTOR.packConvInferenceWeights(g, w, inference);
        assertEquals(GUARD, inference[inference.length - 1], "packConvInferenceWeights wrote past its size " + g);
        assertEquals(WinogradConv.inferenceApplies(g), inference.length > 1, "an inference form exactly where 4x4 tiles apply " + g);
        for (Activation act : Activation.values()) {
            float[] expected = guarded(g.outSize()), training = guarded(g.outSize()), actual = guarded(g.outSize());
            SCALAR.convForward(g, act, x, PAD, w, b, expected, PAD);
            VECTOR.convInferencePacked(g, act, 1, x, PAD, w, packed, inference, b, actual, PAD);
            if (WinogradConv.inferenceApplies(g)) {
                assertClose(expected, actual, LARGE_TILE_ERROR * (g.kh() * g.kw() * g.inC() + 1),
                        "convInferencePacked (" + WinogradConv.inferenceTransforms(g) + ") " + act + " " + g);
            } else {
                VECTOR.convForwardPacked(g, act, x, PAD, w, packed, b, training, PAD);
                assertArrayEquals(training, actual, "convInferencePacked equals convForwardPacked " + act + " " + g);
            }
        }
    }

    /**
     * A prediction's call over several examples (a Winograd one's blocks of tiles then run on
     * across them) gives each example the bits of a call for it alone, and writes nothing past
     * them: a group as large as the kernels ask for and one more (a block ending mid-example).
     */
    @ParameterizedTest
    @MethodSource("inferenceShapes")
    void convInferencePackedOverExamples(ConvGeometry g) {
        Random rnd = new Random(g.hashCode() + 11);
        int examples = VECTOR.convInferenceExamples(g) + 1;
        assertTrue(examples >= 2 && examples <= Kernels.MOST_INFERENCE_EXAMPLES + 1, "examples " + examples + " " + g);
        float[] x = data(rnd, examples * g.inSize()), w = plain(rnd, g.weightSize()), b = plain(rnd, g.outC());
        float[] packed = new float[VECTOR.packedConvSize(g)];
        VECTOR.packConvWeights(g, w, packed);
        float[] inference = new float[VECTOR.packedConvInferenceSize(g)];
        VECTOR.packConvInferenceWeights(g, w, inference);
        for (Activation act : Activation.values()) {
            float[] alone = guarded(examples * g.outSize()), together = guarded(examples * g.outSize());
            for (int e = 0; e < examples; e++) {
                VECTOR.convInferencePacked(g, act, 1, x, PAD + e * g.inSize(), w, packed, inference, b, alone, PAD + e * g.outSize());
            }
            VECTOR.convInferencePacked(g, act, examples, x, PAD, w, packed, inference, b, together, PAD);
            assertArrayEquals(alone, together, "convInferencePacked over " + examples + " examples " + act + " " + g);
        }
    }

    @ParameterizedTest
    @MethodSource("convShapes")
    void convBackwardInput(ConvGeometry g) {
        Random rnd = new Random(g.hashCode() + 1);
        float[] dz = data(rnd, g.outSize()), w = plain(rnd, g.weightSize());
        float[] expected = data(rnd, g.inSize() + 2 * PAD), actual = expected.clone();   // garbage to overwrite
        float[] fromPacked = expected.clone();
        SCALAR.convBackwardInput(g, dz, PAD, w, expected, PAD);
        VECTOR.convBackwardInput(g, dz, PAD, w, actual, PAD);
        assertClose(expected, actual, g.kh() * g.kw() * g.outC(), "convBackwardInput " + g);

        float[] packed = new float[VECTOR.packedConvSize(g) + 1];
        packed[packed.length - 1] = GUARD;
        VECTOR.packConvWeights(g, w, packed);
        assertEquals(GUARD, packed[packed.length - 1], "pack wrote past packedConvSize " + g);
        VECTOR.convBackwardInputPacked(g, dz, PAD, packed, fromPacked, PAD);
        if (WinogradConv.backwardInputApplies(g)) {
            assertClose(expected, fromPacked, WINOGRAD_ERROR * g.kh() * g.kw() * g.outC(), "convBackwardInputPacked (Winograd) " + g);
        } else {
            assertArrayEquals(actual, fromPacked, "convBackwardInputPacked equals convBackwardInput " + g);
        }
    }

    @ParameterizedTest
    @MethodSource("convShapes")
    void convBackwardWeights(ConvGeometry g) {
        Random rnd = new Random(g.hashCode() + 2);
        int examples = 3;
        float[] x = data(rnd, examples * g.inSize()), dz = data(rnd, examples * g.outSize());
        float[] dwExpected = plain(rnd, g.weightSize()), dwActual = dwExpected.clone();   // accumulates onto this
        float[] dbExpected = plain(rnd, g.outC()), dbActual = dbExpected.clone();
        SCALAR.convBackwardWeights(g, examples, x, PAD, dz, PAD, dwExpected, dbExpected);
        VECTOR.convBackwardWeights(g, examples, x, PAD, dz, PAD, dwActual, dbActual);
        int terms = examples * g.outH() * g.outW() + 1;
        int winograd = VECTOR.convBackwardWeightsIsWinograd(g) ? WINOGRAD_ERROR : 1;
        assertClose(dwExpected, dwActual, winograd * terms, "convBackwardWeights dw " + g);
        assertClose(dbExpected, dbActual, terms, "convBackwardWeights db " + g);
    }

    /** rows x in x out: sizes 1, 7, 10, 17, 64, 1025 (past four k-blocks of 256), rows 1..7, 12, 13, 33 and 64. */
    static Stream<int[]> denseShapes() {
        int[][] inOut = {{1, 1}, {7, 10}, {10, 7}, {17, 64}, {64, 17}, {1025, 10}, {10, 1025}, {64, 64}, {1, 17}, {17, 1}};
        List<int[]> shapes = new ArrayList<>();
        for (int rows = 1; rows <= 7; rows++) {
            for (int[] io : inOut) {
                shapes.add(new int[] {rows, io[0], io[1]});
            }
        }
        shapes.add(new int[] {64, 1025, 64});
        shapes.add(new int[] {1, 600, 300});   // one or two rows stream eight vectors at once across depth blocks, the last short
        shapes.add(new int[] {2, 600, 300});
        shapes.add(new int[] {12, 17, 64});     // two whole tiles of 6 rows, or one of 7 and a tail of 5
        shapes.add(new int[] {13, 64, 17});     // 6 + 6 + 1, or 7 + 6
        shapes.add(new int[] {33, 40, 24});
        shapes.add(new int[] {64, 30, 27});
        // Four-vector panels (64 outputs at 512 bits) on row counts that 6-row tiles leave 2, 4 or 5
        // rows of: 6-row tiles, then one or two of 4 rows (VectorTiles.sixRowTiles).
        shapes.add(new int[] {8, 17, 64});
        shapes.add(new int[] {10, 64, 70});
        shapes.add(new int[] {14, 300, 64});
        shapes.add(new int[] {11, 20, 64});
        shapes.add(new int[] {32, 1025, 64});
        // Weight gradients past one chain of VectorDense.SUM_ROWS rows (the chains' sums added), with
        // 3 vectors of outputs (a panel of two and a single one) at 256 bits, and a partial vector after them.
        shapes.add(new int[] {VectorDense.SUM_ROWS + 1, 40, 24});
        shapes.add(new int[] {2 * VectorDense.SUM_ROWS + 3, 30, 27});
        return shapes.stream();
    }

    @ParameterizedTest
    @MethodSource("denseShapes")
    void dense(int[] shape) {
        int rows = shape[0], in = shape[1], out = shape[2];
        String what = rows + "x" + in + "->" + out;
        Random rnd = new Random(rows * 31L + in * 7L + out);
        float[] x = data(rnd, rows * in), w = plain(rnd, in * out), b = plain(rnd, out);
        for (Activation act : Activation.values()) {
            float[] expected = guarded(rows * out), actual = guarded(rows * out);
            SCALAR.denseForward(rows, in, out, act, x, PAD, w, b, expected, PAD);
            VECTOR.denseForward(rows, in, out, act, x, PAD, w, b, actual, PAD);
            assertClose(expected, actual, in + 1, "denseForward " + act + " " + what);
        }

        float[] dz = data(rnd, rows * out);
        float[] dxExpected = data(rnd, rows * in + 2 * PAD), dxActual = dxExpected.clone();
        SCALAR.denseBackwardInput(rows, in, out, dz, PAD, w, dxExpected, PAD);
        VECTOR.denseBackwardInput(rows, in, out, dz, PAD, w, dxActual, PAD);
        assertClose(dxExpected, dxActual, out, "denseBackwardInput " + what);

        float[] dwExpected = plain(rnd, in * out), dwActual = dwExpected.clone();
        float[] dbExpected = plain(rnd, out), dbActual = dbExpected.clone();
        SCALAR.denseBackwardWeights(rows, in, out, x, PAD, dz, PAD, dwExpected, dbExpected);
        VECTOR.denseBackwardWeights(rows, in, out, x, PAD, dz, PAD, dwActual, dbActual);
        assertClose(dwExpected, dwActual, rows + 1, "denseBackwardWeights dw " + what);
        assertClose(dbExpected, dbActual, rows + 1, "denseBackwardWeights db " + what);

        // Row slices, as threads sharing one layer compute them: each row gets the whole call's bits.
        for (Kernels kernels : new Kernels[] {VECTOR, SCALAR}) {
            float[] whole = plain(new Random(in), in * out), sliced = whole.clone();
            kernels.denseBackwardWeights(rows, in, out, x, PAD, dz, PAD, whole, new float[out]);
            for (int part = 2; part >= 0; part--) {
                kernels.denseBackwardWeightRows(rows, in, out, x, PAD, dz, PAD, sliced, in * part / 3, in * (part + 1) / 3, true);
            }
            assertArrayEquals(whole, sliced, "denseBackwardWeightRows in 3 slices " + kernels.name() + " " + what);
            float[] fromZero = new float[in * out], written = plain(new Random(out), in * out);
            kernels.denseBackwardWeights(rows, in, out, x, PAD, dz, PAD, fromZero, new float[out]);
            for (int part = 0; part < 3; part++) {
                kernels.denseBackwardWeightRows(rows, in, out, x, PAD, dz, PAD, written, in * part / 3, in * (part + 1) / 3, false);
            }
            assertArrayEquals(fromZero, written, "denseBackwardWeightRows written, not added " + kernels.name() + " " + what);

            // Blocks of rows into a buffer of their own, from dz prepared once: the written rows' bits,
            // in blocks of every size from 1 row up, and nothing written past a block's rows.
            float[] prepared = new float[kernels.denseWeightBlockInputSize(rows, out)];
            kernels.prepareDenseWeightBlocks(rows, out, dz, PAD, prepared);
            for (int blockRows : new int[] {1, 5, kernels.denseWeightBlockRows(out), in}) {
                float[] blocks = new float[in * out];
                for (int from = 0; from < in; from += blockRows) {
                    int to = Math.min(in, from + blockRows);
                    float[] block = guarded((to - from) * out);
                    kernels.denseBackwardWeightBlock(rows, in, out, x, PAD, prepared, block, PAD, from, to);
                    assertGuardsIntact(block, "denseBackwardWeightBlock " + kernels.name() + " " + what);
                    System.arraycopy(block, PAD, blocks, from * out, (to - from) * out);
                }
                assertArrayEquals(fromZero, blocks, "denseBackwardWeightBlock in blocks of " + blockRows + " rows, "
                        + kernels.name() + " " + what);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("denseShapes")
    void densePacked(int[] shape) {
        int rows = shape[0], in = shape[1], out = shape[2];
        String what = rows + "x" + in + "->" + out;
        Random rnd = new Random(rows * 37L + in * 5L + out);
        float[] x = data(rnd, rows * in), w = plain(rnd, in * out), b = plain(rnd, out);
        float[] packed = new float[VECTOR.packedDenseSize(in, out) + 1];
        packed[packed.length - 1] = GUARD;
        VECTOR.packDenseWeights(in, out, w, packed);
        assertEquals(GUARD, packed[packed.length - 1], "pack wrote past packedDenseSize " + what);
        for (int parts : new int[] {2, 3, 7}) {            // 7: more parts than blocks for small layers
            float[] inParts = new float[packed.length];
            java.util.Arrays.fill(inParts, GUARD);
            for (int part = parts - 1; part >= 0; part--) {
                VECTOR.packDenseWeights(in, out, w, inParts, part, parts);
            }
            assertArrayEquals(packed, inParts, "packed in " + parts + " parts " + what);
        }
        for (Kernels kernels : new Kernels[] {VECTOR, SCALAR}) {    // by rows, as the optimizer packs: 3 at a time, last first
            float[] whole = new float[packed.length], byRows = new float[packed.length];
            java.util.Arrays.fill(whole, GUARD);
            java.util.Arrays.fill(byRows, GUARD);
            kernels.packDenseWeights(in, out, w, whole);
            for (int row = (in - 1) / 3 * 3; row >= 0; row -= 3) {
                kernels.packDenseRows(in, out, w, byRows, row, Math.min(in, row + 3));
            }
            assertArrayEquals(whole, byRows, "packed by rows " + kernels.name() + " " + what);
        }
        for (Activation act : Activation.values()) {
            float[] plainResult = guarded(rows * out), packedResult = guarded(rows * out), expected = guarded(rows * out);
            SCALAR.denseForward(rows, in, out, act, x, PAD, w, b, expected, PAD);
            VECTOR.denseForward(rows, in, out, act, x, PAD, w, b, plainResult, PAD);
            VECTOR.denseForwardPacked(rows, in, out, act, x, PAD, packed, b, packedResult, PAD);
            assertArrayEquals(plainResult, packedResult, "denseForwardPacked equals denseForward " + act + " " + what);
            assertClose(expected, packedResult, in + 1, "denseForwardPacked " + act + " " + what);
        }
    }

    @Test
    void densePackedRowsGiveTheSameBitsWhateverTheRowCount() {
        // A batch split over threads must not change any row: row r alone equals row r of the block,
        // whichever tiles the block's row count cuts it into.
        for (int rows : new int[] {9, 14, 17}) {
            rowsGiveTheSameBits(rows, 300, 70);
        }
        rowsGiveTheSameBits(5, 600, 300);     // panels of several depth blocks, the last one short
    }

    @Test
    void oneRowOnNarrowPanelsGivesTheSameBitsAsTheTiles() {
        // One row streams its depth blocks side by side on panels of one or two vectors (a logits
        // layer's 10 outputs over 1600 or 2304 inputs): its sums must stay those of the tiles.
        for (int[] shape : new int[][] {{7, 2304, 10}, {9, 1600, 10}, {7, 1100, 16}, {8, 2100, 5}, {7, 1024, 32}}) {
            rowsGiveTheSameBits(shape[0], shape[1], shape[2]);
        }
    }

    @ParameterizedTest
    @MethodSource("denseShapes")
    void densePackedPartsGiveTheBitsOfTheWholeCall(int[] shape) {
        // The shares of a dense forward that a model's threads compute together: disjoint columns
        // (whole panels; a share may have none), each with the whole call's bits, ReLU included,
        // nothing written outside the block.
        int rows = shape[0], in = shape[1], out = shape[2];
        Random rnd = new Random(rows * 41L + in * 3L + out);
        float[] x = plain(rnd, rows * in), w = plain(rnd, in * out), b = plain(rnd, out);
        float[] packed = new float[VECTOR.packedDenseSize(in, out)];
        VECTOR.packDenseWeights(in, out, w, packed);
        float[] whole = new float[rows * out + 2];
        VECTOR.denseForwardPacked(rows, in, out, Activation.RELU, x, 0, packed, b, whole, 1);
        for (int parts = 1; parts <= 4; parts++) {
            float[] shared = new float[rows * out + 2];
            java.util.Arrays.fill(shared, GUARD);
            shared[0] = 0f;
            shared[shared.length - 1] = 0f;
            for (int part = 0; part < parts; part++) {
                VECTOR.denseForwardPackedPart(rows, in, out, Activation.RELU, x, 0, packed, b, shared, 1, part, parts);
            }
            assertArrayEquals(whole, shared, rows + "x" + in + "->" + out + " in " + parts + " parts");
        }
    }

    private static void rowsGiveTheSameBits(int rows, int in, int out) {
        Random rnd = new Random(21 + rows);
        float[] x = plain(rnd, rows * in), w = plain(rnd, in * out), b = plain(rnd, out), dz = plain(rnd, rows * out);
        float[] packed = new float[VECTOR.packedDenseSize(in, out)];
        VECTOR.packDenseWeights(in, out, w, packed);
        float[] y = new float[rows * out], dx = new float[rows * in];
        VECTOR.denseForwardPacked(rows, in, out, Activation.NONE, x, 0, packed, b, y, 0);
        VECTOR.denseBackwardInput(rows, in, out, dz, 0, w, dx, 0);
        for (int r = 0; r < rows; r++) {
            float[] y1 = new float[out], dx1 = new float[in];
            VECTOR.denseForwardPacked(1, in, out, Activation.NONE, x, r * in, packed, b, y1, 0);
            VECTOR.denseBackwardInput(1, in, out, dz, r * out, w, dx1, 0);
            assertArrayEquals(java.util.Arrays.copyOfRange(y, r * out, (r + 1) * out), y1, "forward row " + r);
            assertArrayEquals(java.util.Arrays.copyOfRange(dx, r * in, (r + 1) * in), dx1, "dx row " + r);
        }
    }

    /**
     * rows x in x out for the input gradient as training leaves it: row counts around the panels of
     * 2L rows, inputs around the tiles' row count, depths up to K_BLOCK (whose weight rows are copied
     * a block at a time) and past it, and tf-mnist's fc1.
     */
    static Stream<int[]> inputGradientShapes() {
        int panel = 2 * VectorTiles.L, tile = VectorTiles.ROWS;
        List<int[]> shapes = new ArrayList<>();
        for (int rows : new int[] {1, 2, panel - 1, panel + 3, 2 * panel}) {
            for (int in : new int[] {1, tile - 1, 5 * tile + 2, 300}) {
                for (int out : new int[] {10, 100, 256, 300, 1025}) {     // 100 and 256: weight rows copied per block
                    shapes.add(new int[] {rows, in, out});
                }
            }
        }
        shapes.add(new int[] {64, 3136, 1024});
        return shapes.stream();
    }

    /** Mostly zero gradients (dropout after a ReLU), -0 among them, a row all zero, then a NaN that must reach dx. */
    @ParameterizedTest
    @MethodSource("inputGradientShapes")
    void inputGradientOfMostlyZeroGradients(int[] shape) {
        int rows = shape[0], in = shape[1], out = shape[2];
        String what = rows + "x" + in + "->" + out;
        Random rnd = new Random(rows * 41L + in * 3L + out);
        float[] w = plain(rnd, in * out), dz = plain(rnd, rows * out);
        for (int i = 0; i < dz.length; i++) {
            int pick = rnd.nextInt(100);
            if (pick < 75) dz[i] = 0f;
            else if (pick < 77) dz[i] = -0f;
        }
        java.util.Arrays.fill(dz, 0, Math.min(out, dz.length), 0f);     // a row all zero
        float[] vector = data(rnd, rows * in + 2 * PAD), scalar = vector.clone();
        VECTOR.denseBackwardInput(rows, in, out, dz, 0, w, vector, PAD);
        SCALAR.denseBackwardInput(rows, in, out, dz, 0, w, scalar, PAD);
        assertClose(scalar, vector, out, "dx " + what);
        dz[dz.length - 1] = Float.NaN;
        VECTOR.denseBackwardInput(rows, in, out, dz, 0, w, vector, PAD);
        assertTrue(Float.isNaN(vector[PAD + rows * in - 1]), "NaN in dz must reach dx " + what);
    }

    static Stream<PoolGeometry> poolShapes() {
        return Stream.of(
                new PoolGeometry(32, 28, 28, 2, 2, 2, 0, 0, 14, 14),
                new PoolGeometry(64, 11, 11, 2, 2, 2, 0, 0, 5, 5),      // last row and column dropped
                new PoolGeometry(36, 7, 7, 2, 2, 2, 0, 0, 4, 4),        // SAME: the window past the edge
                new PoolGeometry(36, 8, 7, 2, 2, 2, 0, 0, 4, 3),        // 2x2 windows, channels past whole vectors, last column dropped
                new PoolGeometry(13, 13, 13, 3, 3, 2, 1, 1, 7, 7),      // overlapping, padded on both sides
                new PoolGeometry(17, 5, 5, 5, 5, 1, 0, 0, 1, 1),        // global
                new PoolGeometry(1, 7, 7, 3, 3, 1, 1, 1, 7, 7),
                new PoolGeometry(3, 5, 7, 3, 2, 3, 0, 0, 1, 2));
    }

    @ParameterizedTest
    @MethodSource("poolShapes")
    void maxPool(PoolGeometry g) {
        Random rnd = new Random(g.hashCode());
        for (boolean ties : new boolean[] {false, true}) {
            float[] x = data(rnd, g.inSize());
            if (ties) {                                   // few distinct values, so windows hold ties
                for (int i = 0; i < x.length; i++) x[i] = Math.round(x[i] * 2);
            }
            maxPoolOnBothPaths(g, x, rnd);
        }
        // NaN, infinities and -0 against +0: which cell wins, to the bit.
        float[] x = withSpecials(rnd, g.inSize());
        for (int i = 0; i < x.length; i += 3) {
            if (x[i] == 0f) x[i] = 0f;
        }
        maxPoolOnBothPaths(g, x, rnd);
    }

    /** The vector path's max-pool output and argmax (both guarded by PAD). */
    private record MaxPoolResult(float[] y, int[] argmax) {
    }

    /** Max pooling forward and backward on both paths, compared exactly; returns the vector path's forward. */
    private static MaxPoolResult maxPoolOnBothPaths(PoolGeometry g, float[] x, Random rnd) {
        float[] yExpected = guarded(g.outSize()), yActual = guarded(g.outSize());
        int[] argExpected = new int[g.outSize() + 2 * PAD], argActual = new int[g.outSize() + 2 * PAD];
        SCALAR.maxPoolForward(g, x, PAD, yExpected, PAD, argExpected, PAD);
        VECTOR.maxPoolForward(g, x, PAD, yActual, PAD, argActual, PAD);
        assertArrayEquals(yExpected, yActual, "maxPoolForward " + g);
        assertArrayEquals(argExpected, argActual, "maxPoolForward argmax " + g);
        // A prediction passes no argmax: the same values on both paths.
        float[] yScalarValues = guarded(g.outSize()), yVectorValues = guarded(g.outSize());
        SCALAR.maxPoolForward(g, x, PAD, yScalarValues, PAD, null, 0);
        VECTOR.maxPoolForward(g, x, PAD, yVectorValues, PAD, null, 0);
        assertArrayEquals(yExpected, yScalarValues, "maxPoolForward without argmax, scalar " + g);
        assertArrayEquals(yExpected, yVectorValues, "maxPoolForward without argmax, vector " + g);

        float[] dy = data(rnd, g.outSize());
        for (int i = PAD; i < PAD + g.outSize(); i += 5) {
            dy[i] = -0.0f;                                // the reference adds it to 0: +0.0 in dx
        }
        float[] dxExpected = data(rnd, g.inSize() + 2 * PAD), dxActual = dxExpected.clone();
        SCALAR.maxPoolBackward(g, dy, PAD, argExpected, PAD, dxExpected, PAD);
        VECTOR.maxPoolBackward(g, dy, PAD, argActual, PAD, dxActual, PAD);
        assertArrayEquals(dxExpected, dxActual, "maxPoolBackward " + g);
        return new MaxPoolResult(yActual, argActual);
    }

    @ParameterizedTest
    @MethodSource("poolShapes")
    void avgPool(PoolGeometry g) {
        Random rnd = new Random(g.hashCode() + 1);
        float[] x = data(rnd, g.inSize());
        float[] expected = guarded(g.outSize()), actual = guarded(g.outSize());
        SCALAR.avgPoolForward(g, x, PAD, expected, PAD);
        VECTOR.avgPoolForward(g, x, PAD, actual, PAD);
        assertClose(expected, actual, g.kh() * g.kw(), "avgPoolForward " + g);

        float[] dy = data(rnd, g.outSize());
        float[] dxExpected = data(rnd, g.inSize() + 2 * PAD), dxActual = dxExpected.clone();
        SCALAR.avgPoolBackward(g, dy, PAD, dxExpected, PAD);
        VECTOR.avgPoolBackward(g, dy, PAD, dxActual, PAD);
        assertClose(dxExpected, dxActual, g.kh() * g.kw(), "avgPoolBackward " + g);
    }

    @Test
    void activationBackward() {
        Random rnd = new Random(7);
        for (Activation act : Activation.values()) {
            for (int len : new int[] {1, 15, 16, 17, 100, 1024, 1025, 2100}) {     // and over whole chunks of the loop
                float[] y = data(rnd, len + 2 * PAD);
                if (act == Activation.RELU) {
                    for (int i = 0; i < y.length; i += 3) y[i] = 0f;    // the boundary case
                }
                float[] expected = data(rnd, len + 2 * PAD), actual = expected.clone();
                SCALAR.activationBackward(act, y, expected, PAD, len);
                VECTOR.activationBackward(act, y, actual, PAD, len);
                assertClose(expected, actual, 2, "activationBackward " + act + " len " + len);
            }
        }
    }

    /** Inputs in [-1, 1) with NaN, +inf and -inf sprinkled in (about one value in 7 of each kind). */
    private static float[] withSpecials(Random rnd, int n) {
        float[] a = data(rnd, n);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f};
        for (int i = PAD; i < PAD + n; i++) {
            if (rnd.nextInt(7) == 0) a[i] = specials[rnd.nextInt(specials.length)];
        }
        return a;
    }

    @Test
    void reluKeepsNaNAndInfinitiesBitForBitLikeTheScalarPath() {
        Random rnd = new Random(11);
        for (int len : new int[] {1, 15, 16, 17, 37, 100}) {
            float[] x = withSpecials(rnd, len);
            float[] expected = guarded(len), actual = guarded(len);
            SCALAR.denseForward(len, 1, 1, Activation.RELU, x, PAD, new float[] {1f}, new float[1], expected, PAD);
            VECTOR.denseForward(len, 1, 1, Activation.RELU, x, PAD, new float[] {1f}, new float[1], actual, PAD);
            assertArrayEquals(expected, actual, "len " + len);
            for (int i = PAD; i < PAD + len; i++) {
                assertEquals(Float.isNaN(x[i]), Float.isNaN(actual[i]), "NaN in, NaN out at " + i);
            }
        }
    }

    @Test
    void reluOfAVectorIsMathMaxWithZeroLaneByLaneSignedZerosAndNaNsIncluded() {
        float[] specials = {-0f, 0f, Float.NaN, Float.intBitsToFloat(0xffc00000), -Float.MIN_VALUE, Float.MIN_VALUE,
                -1f, 2f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -Float.MAX_VALUE};
        int lanes = VectorTiles.L;
        for (int start = 0; start < specials.length; start++) {
            float[] z = new float[lanes], relu = new float[lanes];
            for (int i = 0; i < lanes; i++) z[i] = specials[(start + i) % specials.length];
            VectorActivations.relu(FloatVector.fromArray(VectorTiles.S, z, 0)).intoArray(relu, 0);
            for (int i = 0; i < lanes; i++) {
                // floatToIntBits: every NaN is one NaN; -0.0 and +0.0 differ
                assertEquals(Float.floatToIntBits(Math.max(z[i], 0f)), Float.floatToIntBits(relu[i]), "relu(" + z[i] + ")");
            }
        }
    }

    @Test
    void nonFiniteInputsReachTheOutputsOfConvAndDenseLikeTheScalarPath() {
        Random rnd = new Random(12);
        ConvGeometry g = same(3, 9, 9, 20, 3, 3, 1);
        float[] x = withSpecials(rnd, g.inSize()), w = plain(rnd, g.weightSize()), b = plain(rnd, g.outC());
        float[] expected = guarded(g.outSize()), actual = guarded(g.outSize());
        SCALAR.convForward(g, Activation.RELU, x, PAD, w, b, expected, PAD);
        VECTOR.convForward(g, Activation.RELU, x, PAD, w, b, actual, PAD);
        assertSameNonFinite(expected, actual, "convForward");
        assertTrue(countNaN(actual) > 0, "some NaN must survive the ReLU");

        int rows = 9, in = 40, out = 37;
        float[] xd = withSpecials(rnd, rows * in), wd = plain(rnd, in * out), bd = plain(rnd, out);
        float[] yExpected = guarded(rows * out), yActual = guarded(rows * out);
        SCALAR.denseForward(rows, in, out, Activation.RELU, xd, PAD, wd, bd, yExpected, PAD);
        VECTOR.denseForward(rows, in, out, Activation.RELU, xd, PAD, wd, bd, yActual, PAD);
        assertSameNonFinite(yExpected, yActual, "denseForward");
    }

    @ParameterizedTest
    @MethodSource("poolShapes")
    void maxPoolWithNaNAndInfinitiesMatchesTheScalarPathExactly(PoolGeometry g) {
        Random rnd = new Random(g.hashCode() + 5);
        float[] x = withSpecials(rnd, g.inSize());
        MaxPoolResult actual = maxPoolOnBothPaths(g, x, rnd);
        for (int i = 0; i < g.outSize(); i++) {
            int arg = actual.argmax()[PAD + i];
            if (arg >= 0) {
                assertEquals(Float.isNaN(x[PAD + arg]), Float.isNaN(actual.y()[PAD + i]), "the winner is the output, " + g);
            }
        }
        boolean windowsCoverInput = g.stride() <= Math.min(g.kh(), g.kw())
                && (g.outH() - 1) * g.stride() + g.kh() - g.padTop() >= g.inH()
                && (g.outW() - 1) * g.stride() + g.kw() - g.padLeft() >= g.inW();
        if (windowsCoverInput && countNaN(x) > 0) {
            assertTrue(countNaN(actual.y()) > 0, "a NaN input must reach some window's output, " + g);
        }
    }

    @Test
    void activationBackwardWithNaNAndInfinitiesMatchesTheScalarPathExactly() {
        Random rnd = new Random(13);
        for (Activation act : Activation.values()) {
            for (int len : new int[] {1, 16, 17, 100}) {
                float[] y = withSpecials(rnd, len + 2 * PAD);
                float[] expected = withSpecials(rnd, len + 2 * PAD), actual = expected.clone();
                SCALAR.activationBackward(act, y, expected, PAD, len);
                VECTOR.activationBackward(act, y, actual, PAD, len);
                assertArrayEquals(expected, actual, "activationBackward " + act + " len " + len);
            }
        }
    }

    @Test
    void sigmoidAndTanhGiveTheScalarBitsOnEveryLane() {
        Random rnd = new Random(14);
        for (Activation act : new Activation[] {Activation.SIGMOID, Activation.TANH}) {
            float[] x = withSpecials(rnd, 37);
            float[] expected = guarded(37), actual = guarded(37);
            SCALAR.denseForward(37, 1, 1, act, x, PAD, new float[] {1f}, new float[1], expected, PAD);
            VECTOR.denseForward(37, 1, 1, act, x, PAD, new float[] {1f}, new float[1], actual, PAD);
            assertArrayEquals(expected, actual, act.toString());
        }
    }

    /** Same NaN and infinity positions (with the same sign), finite values within a loose tolerance. */
    private static void assertSameNonFinite(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) || Float.isInfinite(e) || Float.isNaN(a) || Float.isInfinite(a)) {
                assertEquals(Float.floatToIntBits(e), Float.floatToIntBits(a), what + " element " + i);
            } else if (Math.abs(e - a) > 1e-4f) {
                fail(what + ": element " + i + " expected " + e + " but was " + a);
            }
        }
    }

    private static int countNaN(float[] a) {
        int n = 0;
        for (float v : a) if (Float.isNaN(v)) n++;
        return n;
    }

    @Test
    void nameReportsTheVectorWidth() {
        assertEquals("vector(" + VectorTiles.S.vectorBitSize() + "-bit)", VECTOR.name());
    }

    // ---- helpers ----

    /** PAD guard cells, n values uniform in [-1, 1), PAD guard cells. */
    private static float[] data(Random rnd, int n) {
        float[] a = guarded(n);
        for (int i = PAD; i < PAD + n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }

    /** n values uniform in [-1, 1), no guard cells (weights and gradients indexed from 0). */
    private static float[] plain(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }

    private static float[] guarded(int n) {
        float[] a = new float[n + 2 * PAD];
        java.util.Arrays.fill(a, GUARD);
        return a;
    }

    /** The PAD guard cells on each side of a {@link #guarded} array still hold GUARD. */
    private static void assertGuardsIntact(float[] a, String what) {
        for (int i = 0; i < PAD; i++) {
            assertEquals(GUARD, a[i], what + ": wrote before its start");
            assertEquals(GUARD, a[a.length - 1 - i], what + ": wrote past its end");
        }
    }

    /** |e - a| <= n * 2^-21 + 4 ulp(e) per element; reports the first element that differs. */
    private static void assertClose(float[] expected, float[] actual, int n, String what) {
        assertEquals(expected.length, actual.length, what);
        double tol = n * 0x1p-21;
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) && Float.isNaN(a)) continue;
            if (!(Math.abs(e - a) <= tol + 4 * Math.ulp(e))) {
                fail(what + ": element " + i + " expected " + e + " but was " + a + " (tolerance " + tol + ")");
            }
        }
    }
}
