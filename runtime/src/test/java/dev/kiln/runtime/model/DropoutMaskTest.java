package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DropoutMaskTest {

    @Test
    void keepsAboutOneMinusRateOfTheValues() {
        for (float rate : new float[] {0.1f, 0.3f, 0.5f, 0.8f}) {
            int kept = 0, n = 200_000;
            for (int i = 0; i < n; i++) {
                kept += DropoutMask.keeps(7, 3, i / 1000, i % 1000, rate) ? 1 : 0;
            }
            // Binomial standard deviation is at most sqrt(n / 4) ~ 224; allow 5 of them.
            assertEquals((1 - rate) * n, kept, 5 * Math.sqrt(n / 4.0), "rate " + rate);
        }
    }

    @Test
    void rateZeroKeepsEverything() {
        for (int i = 0; i < 10_000; i++) {
            assertTrue(DropoutMask.keeps(1, 2, 3, i, 0f));
        }
    }

    /** The forward's branch-free mask against the comparison of {@link DropoutMask#keeps}, at several rates. */
    @Test
    void forwardScalesSurvivorsAndBackwardUsesTheSameMask() {
        for (float rate : new float[] {0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.7f, 0.9f}) {
            forwardAndBackward(rate);
        }
    }

    private static void forwardAndBackward(float rate) {
        int rows = 3, size = 2003;                          // not whole vectors: the tail of each example too
        float[] x = new float[2 + rows * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        float[] y = new float[rows * size], mask = new float[rows * size];
        DropoutMask.forward(rate, 11, 5, 4, rows, size, x, 2, y, mask);
        float scale = 1f / (1f - rate);
        for (int r = 0; r < rows; r++) {
            for (int p = 0; p < size; p++) {
                int i = r * size + p;
                boolean keep = DropoutMask.keeps(11, 5, 4 + r, p, rate);
                assertEquals(keep ? scale : 0f, mask[i], "rate " + rate + " at " + i);
                assertEquals(keep ? x[2 + i] * scale : 0f, y[i], "rate " + rate + " at " + i);
            }
        }
        float[] dy = new float[rows * size], dx = new float[rows * size];
        java.util.Arrays.fill(dy, 2f);
        DropoutMask.backward(rows * size, dy, mask, dx);
        for (int i = 0; i < dx.length; i++) {
            assertEquals(2f * mask[i], dx[i]);
        }
    }

    /** The Vector API's masks and outputs against the scalar loop's, bit for bit, at sizes with and without tails. */
    @Test
    void vectorForwardEqualsScalarForward() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int size : new int[] {1, 3, 7, 8, 9, 16, 17, 625, 2048, 6272}) {
            for (float rate : new float[] {0f, 0.2f, 0.5f, 0.9f}) {
                int rows = 3;
                float[] x = new float[5 + rows * size];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextGaussian();
                }
                float[] y = new float[rows * size], mask = new float[rows * size];
                float[] yRef = new float[rows * size], maskRef = new float[rows * size];
                VectorDropoutMask.forward(rate, 42, 9, 6, rows, size, x, 5, y, mask);
                DropoutMask.forwardScalar(rate, 42, 9, 6, rows, size, x, 5, yRef, maskRef);
                for (int i = 0; i < y.length; i++) {
                    assertEquals(Float.floatToRawIntBits(maskRef[i]), Float.floatToRawIntBits(mask[i]),
                            "mask, size " + size + ", rate " + rate + " at " + i);
                    assertEquals(Float.floatToRawIntBits(yRef[i]), Float.floatToRawIntBits(y[i]),
                            "output, size " + size + ", rate " + rate + " at " + i);
                }
            }
        }
    }

    @Test
    void masksDifferBetweenSeedsStepsAndExamples() {
        assertNotEquals(pattern(1, 1, 0), pattern(2, 1, 0));
        assertNotEquals(pattern(1, 1, 0), pattern(1, 2, 0));
        assertNotEquals(pattern(1, 1, 0), pattern(1, 1, 1));
        assertEquals(pattern(1, 1, 0), pattern(1, 1, 0));
    }

    private static String pattern(long seed, long step, int example) {
        StringBuilder s = new StringBuilder();
        for (int p = 0; p < 64; p++) {
            s.append(DropoutMask.keeps(seed, step, example, p, 0.5f) ? '1' : '0');
        }
        return s.toString();
    }
}
