package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.dsl.Activation;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a convolution's forward pass and prediction read of its packed weights does not depend on
 * how many outputs the packing geometry has ({@link Kernels#packedConvSize}): a generated model
 * packs for the geometry it trains on, which may leave out output rows and columns no later layer
 * reads, and predicts on the whole geometry from the same packed weights.
 */
class PackingIgnoresOutputSizeTest {

    /** Each whole geometry beside the one training runs: its last output row and column left out. */
    private static final List<ConvGeometry[]> PAIRS = List.of(
            pair(new ConvGeometry(32, 13, 13, 64, 3, 3, 1, 0, 0, 11, 11)),    // keras-mnist's conv2, Winograd
            pair(new ConvGeometry(16, 7, 7, 16, 3, 3, 1, 1, 1, 7, 7)),         // Winograd, its input gradient changes algorithm
            pair(new ConvGeometry(1, 28, 28, 32, 5, 5, 1, 2, 2, 28, 28)),      // one input channel
            pair(new ConvGeometry(3, 9, 8, 4, 3, 3, 1, 1, 1, 9, 8)));          // direct

    private static ConvGeometry[] pair(ConvGeometry whole) {
        return new ConvGeometry[] {whole, new ConvGeometry(whole.inC(), whole.inH(), whole.inW(), whole.outC(), whole.kh(),
                whole.kw(), whole.stride(), whole.padTop(), whole.padLeft(), whole.outH() - 1, whole.outW() - 1)};
    }

    @Test
    void forwardAndPredictionReadTheSameFromEitherPacking() {
        for (Kernels kernels : List.of(KernelProvider.get(), new ScalarKernels())) {
            for (ConvGeometry[] pair : PAIRS) {
                ConvGeometry whole = pair[0], trained = pair[1];
                String what = kernels.name() + " " + whole;
                assertEquals(kernels.packedConvSize(whole), kernels.packedConvSize(trained), what + ": packed size");
                assertEquals(kernels.packedConvInferenceSize(whole), kernels.packedConvInferenceSize(trained), what + ": inference size");
                Random rnd = new Random(whole.hashCode());
                float[] w = new float[whole.weightSize()], b = new float[whole.outC()], x = new float[2 * whole.inSize()];
                for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
                for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
                for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat();
                float[][] forward = new float[2][], prediction = new float[2][];
                for (int side = 0; side < 2; side++) {
                    ConvGeometry packing = pair[side];
                    float[] packed = new float[kernels.packedConvSize(packing)];
                    float[] inference = new float[kernels.packedConvInferenceSize(packing)];
                    kernels.packConvWeights(packing, w, packed);
                    kernels.packConvInferenceWeights(packing, w, inference);
                    forward[side] = new float[whole.outSize()];
                    kernels.convForwardPacked(whole, Activation.RELU, x, 0, w, packed, b, forward[side], 0);
                    prediction[side] = new float[2 * whole.outSize()];
                    kernels.convInferencePacked(whole, Activation.RELU, 2, x, 0, w, packed, inference, b, prediction[side], 0);
                }
                assertArrayEquals(forward[0], forward[1], what + ": forward");
                assertArrayEquals(prediction[0], prediction[1], what + ": prediction");
            }
        }
    }
}
