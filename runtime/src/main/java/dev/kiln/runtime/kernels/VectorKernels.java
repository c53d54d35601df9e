package dev.kiln.runtime.kernels;

import dev.kiln.dsl.Activation;

/**
 * {@link Kernels} on the Vector API ({@code jdk.incubator.vector}), at the machine's preferred
 * vector width. Load it only through {@link KernelProvider}: this class links against the
 * incubator module.
 *
 * <p>This class only dispatches: {@link VectorConv} and {@link VectorDense} lay out the work
 * (zero-padded copies so hot loops have no border tests, packed panels, blocks of channels and
 * pixels) and run the register-blocked tiles of {@link VectorTiles}; {@link PackedDense} runs dense
 * layers on weights packed once per update. Max-pool backward and
 * average pooling are memory-bound scatters and sums and reuse the scalar code.
 */
public final class VectorKernels implements Kernels {

    private final ScalarKernels scalar = new ScalarKernels();

    @Override
    public String name() {
        return "vector(" + vectorBits() + "-bit)";
    }

    @Override
    public int vectorBits() {
        return VectorTiles.S.vectorBitSize();
    }

    @Override
    public void convForward(ConvGeometry g, Activation act,
                            float[] x, int xOff, float[] w, float[] b, float[] y, int yOff) {
        VectorConv.forward(g, act, x, xOff, w, b, y, yOff);
    }

    @Override
    public void convBackwardInput(ConvGeometry g, float[] dz, int dzOff, float[] w, float[] dx, int dxOff) {
        VectorConv.backwardInput(g, dz, dzOff, w, dx, dxOff);
    }

    @Override
    public void convBackwardWeights(ConvGeometry g, int rows, float[] x, int xOff, float[] dz, int dzOff,
                                    float[] dw, float[] db) {
        if (WinogradConv.weightsApply(g)) {
            WinogradConv.backwardWeights(g, rows, x, xOff, dz, dzOff, dw, db);
            return;
        }
        for (int e = 0; e < rows; e++) {
            VectorConv.backwardWeights(g, x, xOff + e * g.inSize(), dz, dzOff + e * g.outSize(), dw, db);
        }
    }

    /**
     * The direct input gradient's packed weight, then {@link WinogradConv}'s transformed kernels
     * where it runs, then a one-channel forward's weight panels where {@link SingleChannelConv} runs.
     */
    @Override
    public int packedConvSize(ConvGeometry g) {
        return singleChannelPanels(g) + SingleChannelConv.panelsSize(g);
    }

    @Override
    public void packConvWeights(ConvGeometry g, float[] w, float[] packed) {
        packConvWeights(g, w, packed, 0, 1);
    }

    /**
     * The direct kernels' copy and a one-channel forward's panels with the last share, the Winograd
     * kernels as {@link WinogradConv#pack} spreads them.
     */
    @Override
    public void packConvWeights(ConvGeometry g, float[] w, float[] packed, int part, int parts) {
        if (part == parts - 1) {
            VectorConv.pack(g, w, packed);
            if (SingleChannelConv.applies(g)) {
                SingleChannelConv.packPanels(g, w, packed, singleChannelPanels(g));
            }
        }
        WinogradConv.pack(g, w, packed, g.weightSize(), part, parts);
    }

    @Override
    public void convForwardPacked(ConvGeometry g, Activation act, float[] x, int xOff, float[] w, float[] packed,
                                  float[] b, float[] y, int yOff) {
        if (WinogradConv.forwardApplies(g)) {
            WinogradConv.forward(g, act, x, xOff, packed, g.weightSize(), b, y, yOff);
        } else if (SingleChannelConv.applies(g)) {
            SingleChannelConv.forward(g, act, x, xOff, packed, singleChannelPanels(g), b, y, yOff);
        } else {
            VectorConv.forward(g, act, x, xOff, w, b, y, yOff);
        }
    }

    @Override
    public int packedConvInferenceSize(ConvGeometry g) {
        return WinogradConv.inferenceSize(g);
    }

    @Override
    public void packConvInferenceWeights(ConvGeometry g, float[] w, float[] inference) {
        WinogradConv.packInference(g, w, inference);
    }

    /** F(4x4, r x r) where {@link WinogradConv#inferenceApplies}, else as in training. */
    @Override
    public void convInferencePacked(ConvGeometry g, Activation act, int examples, float[] x, int xOff, float[] w,
                                    float[] packed, float[] inference, float[] b, float[] y, int yOff) {
        if (WinogradConv.inferenceApplies(g)) {
            WinogradConv.inference(g, act, examples, x, xOff, inference, b, y, yOff);
        } else {
            Kernels.super.convInferencePacked(g, act, examples, x, xOff, w, packed, inference, b, y, yOff);
        }
    }

    @Override
    public int convInferenceExamples(ConvGeometry g) {
        return WinogradConv.inferenceApplies(g) ? WinogradConv.inferenceExamples(g) : 1;
    }

    /** Where a one-channel forward's weight panels start in the packed weights (see {@link #packedConvSize}). */
    private static int singleChannelPanels(ConvGeometry g) {
        return g.weightSize() + WinogradConv.packedSize(g);
    }

    @Override
    public boolean convForwardIsWinograd(ConvGeometry g) {
        return WinogradConv.forwardApplies(g);
    }

    @Override
    public boolean convBackwardInputIsWinograd(ConvGeometry g) {
        return WinogradConv.backwardInputApplies(g);
    }

    @Override
    public boolean convBackwardWeightsIsWinograd(ConvGeometry g) {
        return WinogradConv.weightsApply(g);
    }

    @Override
    public void convBackwardInputPacked(ConvGeometry g, float[] dz, int dzOff, float[] packed, float[] dx, int dxOff) {
        if (WinogradConv.backwardInputApplies(g)) {
            WinogradConv.backwardInput(g, dz, dzOff, packed, g.weightSize(), dx, dxOff);
        } else {
            VectorConv.backwardInputPacked(g, dz, dzOff, packed, dx, dxOff);
        }
    }

    @Override
    public void denseForward(int rows, int in, int out, Activation act,
                             float[] x, int xOff, float[] w, float[] b, float[] y, int yOff) {
        VectorDense.forward(rows, in, out, act, x, xOff, w, b, y, yOff);
    }

    @Override
    public void denseBackwardInput(int rows, int in, int out, float[] dz, int dzOff, float[] w,
                                   float[] dx, int dxOff) {
        VectorDense.backwardInput(rows, in, out, dz, dzOff, w, dx, dxOff);
    }

    @Override
    public void denseBackwardWeightRows(int rows, int in, int out, float[] x, int xOff, float[] dz, int dzOff,
                                        float[] dw, int from, int to, boolean accumulate) {
        VectorDense.backwardWeightRows(rows, in, out, x, xOff, dz, dzOff, dw, from, to, accumulate);
    }

    @Override
    public void denseBackwardBias(int rows, int out, float[] dz, int dzOff, float[] db) {
        VectorDense.addRowSums(dz, dzOff, rows, out, db);
    }

    @Override
    public int denseWeightBlockInputSize(int rows, int out) {
        return VectorDense.weightBlockInputSize(rows, out);
    }

    @Override
    public void prepareDenseWeightBlocks(int rows, int out, float[] dz, int dzOff, float[] prepared) {
        VectorDense.prepareWeightBlocks(rows, out, dz, dzOff, prepared);
    }

    @Override
    public void denseBackwardWeightBlock(int rows, int in, int out, float[] x, int xOff, float[] prepared, float[] dst,
                                         int dstOff, int from, int to) {
        VectorDense.backwardWeightBlock(rows, in, out, x, xOff, prepared, dst, dstOff, from, to);
    }

    @Override
    public int denseWeightBlockRows(int out) {
        return VectorDense.weightBlockRows(out);
    }

    @Override
    public int packedDenseSize(int in, int out) {
        return PackedDense.copySize(in, out);
    }

    @Override
    public void packDenseWeights(int in, int out, float[] w, float[] packed) {
        PackedDense.pack(in, out, w, packed, 0, 1);
    }

    @Override
    public void packDenseWeights(int in, int out, float[] w, float[] packed, int part, int parts) {
        PackedDense.pack(in, out, w, packed, part, parts);
    }

    @Override
    public void packDenseRows(int in, int out, float[] w, float[] packed, int rowFrom, int rowTo) {
        PackedDense.packRowRange(in, out, w, packed, rowFrom, rowTo);
    }

    @Override
    public void denseForwardPacked(int rows, int in, int out, Activation act,
                                   float[] x, int xOff, float[] packed, float[] b, float[] y, int yOff) {
        PackedDense.forward(rows, in, out, act, x, xOff, packed, b, y, yOff);
    }

    @Override
    public boolean splitsDenseForward() {
        return true;
    }

    @Override
    public void denseForwardPackedPart(int rows, int in, int out, Activation act, float[] x, int xOff, float[] packed,
                                       float[] b, float[] y, int yOff, int part, int parts) {
        PackedDense.forwardPart(rows, in, out, act, x, xOff, packed, b, y, yOff, part, parts);
    }

    // ---- pooling ----

    @Override
    public void maxPoolForward(PoolGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argOff) {
        VectorPooling.maxForward(g, x, xOff, y, yOff, argmax, argOff);
    }

    @Override
    public void maxPoolBackward(PoolGeometry g, float[] dy, int dyOff, int[] argmax, int argOff, float[] dx, int dxOff) {
        VectorPooling.maxBackward(g, dy, dyOff, argmax, argOff, dx, dxOff, scalar);
    }

    @Override
    public void avgPoolForward(PoolGeometry g, float[] x, int xOff, float[] y, int yOff) {
        scalar.avgPoolForward(g, x, xOff, y, yOff);
    }

    @Override
    public void avgPoolBackward(PoolGeometry g, float[] dy, int dyOff, float[] dx, int dxOff) {
        scalar.avgPoolBackward(g, dy, dyOff, dx, dxOff);
    }

    // ---- element-wise ----

    @Override
    public void activationBackward(Activation act, float[] y, float[] dy, int off, int len) {
        VectorActivations.backward(act, y, dy, off, len);
    }
}
