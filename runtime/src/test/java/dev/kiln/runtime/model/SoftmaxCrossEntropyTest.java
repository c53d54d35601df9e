package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SoftmaxCrossEntropyTest {

    @Test
    void largeLogitsStayFinite() {
        float[] logits = {1000f, 0f, -1000f};
        float[] d = new float[3];
        double loss = SoftmaxCrossEntropy.lossAndGradient(logits, 1, 3, new int[] {1}, 0, 1f, d);
        assertEquals(1000.0, loss, 1e-9);
        assertEquals(1f, d[0], 0f);
        assertEquals(-1f, d[1], 0f);
        assertEquals(0f, d[2], 0f);
    }

    @Test
    void gradientIsProbabilityMinusOneHotOverBatch() {
        float[] logits = {0.5f, -1f, 2f, 0f, 0f, 0f};
        int[] labels = {9, 2, 0};      // rows start at label offset 1
        float[] d = new float[6];
        float[] p = new float[6];
        double loss = SoftmaxCrossEntropy.lossAndGradient(logits, 2, 3, labels, 1, 0.5f, d);
        SoftmaxCrossEntropy.probabilities(logits, 2, 3, p, 0);
        double expected = -Math.log(p[2]) - Math.log(p[3]);
        assertEquals(expected, loss, 1e-6);
        assertEquals(loss, SoftmaxCrossEntropy.loss(logits, 2, 3, labels, 1), 1e-12);
        for (int k = 0; k < 6; k++) {
            float onehot = k == 2 || k == 3 ? 1f : 0f;
            assertEquals((p[k] - onehot) * 0.5f, d[k], 1e-7f);
        }
        assertEquals(1.0, p[0] + p[1] + p[2], 1e-6);
        assertEquals(1f / 3, p[4], 1e-7f);
    }

    /**
     * The gradient of a likely class, p - 1 with p near 1, is the double result rounded once: from
     * p rounded to float first it would carry p's rounding error, thousands of its own ulps.
     */
    @Test
    void gradientOfALikelyClassIsRoundedOnce() {
        float[] logits = {9.3f, 0.7f, -1.1f, 2.9f};
        float[] d = new float[4];
        SoftmaxCrossEntropy.lossAndGradient(logits, 1, 4, new int[] {0}, 0, 1f / 64, d);
        double max = 9.3f, sum = 0;
        for (float z : logits) {
            sum += StrictMath.exp(z - max);
        }
        for (int k = 0; k < 4; k++) {
            double p = StrictMath.exp(logits[k] - max) / sum;
            double exact = (k == 0 ? p - 1 : p) / 64;
            assertTrue(Math.abs(d[k] - exact) <= Math.ulp((float) exact) / 2,
                    "class " + k + ": " + d[k] + " against " + exact);
        }
    }
}
