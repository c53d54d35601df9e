package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A convolution's packed weights made in shares, as the model's threads make them after each
 * update, equal the ones made in one call: for the direct kernels' copy, both Winograd kernels
 * (forward and flipped) and a one-channel forward's panels, with more shares than pieces, and with
 * the shares run in any order.
 */
class ConvPackSharesTest {

    private static final float GUARD = 12345f;

    @Test
    void sharesFillThePackedWeightsAsOneCallDoes() {
        ConvGeometry[] geometries = {
                new ConvGeometry(32, 14, 14, 64, 5, 5, 1, 2, 2, 14, 14),   // tf-mnist's conv2: Winograd F(2x2, 5x5) both ways
                new ConvGeometry(16, 7, 7, 20, 3, 3, 1, 1, 1, 7, 7),       // F(2x2, 3x3), padded output channels
                new ConvGeometry(16, 7, 7, 20, 2, 2, 1, 0, 0, 6, 6),       // F(2x2, 2x2)
                new ConvGeometry(1, 9, 9, 20, 5, 5, 1, 2, 2, 9, 9),        // one input channel: the direct kernels' copy only
                new ConvGeometry(1, 28, 28, 32, 5, 5, 1, 2, 2, 28, 28),    // tf-mnist's conv1: and the one-channel forward's panels
                new ConvGeometry(1, 12, 12, 64, 3, 3, 1, 1, 1, 12, 12),    // those panels for 3x3 windows
        };
        Kernels vector = new VectorKernels();
        Random rnd = new Random(7);
        for (ConvGeometry g : geometries) {
            float[] w = new float[g.weightSize()];
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextFloat() - 0.5f;
            }
            float[] whole = new float[vector.packedConvSize(g)];
            vector.packConvWeights(g, w, whole);
            for (int parts : new int[] {1, 2, 3, 7}) {
                float[] inShares = new float[whole.length];
                Arrays.fill(inShares, GUARD);
                for (int part = parts - 1; part >= 0; part--) {
                    vector.packConvWeights(g, w, inShares, part, parts);
                }
                assertArrayEquals(whole, inShares, "packed in " + parts + " shares: " + g);
            }
        }
    }
}
