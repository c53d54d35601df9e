package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A dense layer's bias gradient: its rows summed in double, rounded to float once. */
class DenseBiasGradientTest {

    @Test
    void cancellingRowsSumToTheRoundedExactSum() {
        int rows = 64, out = 3;
        float[] dz = new float[rows * out];
        Random random = new Random(5);
        for (int i = 0; i < dz.length; i++) {
            // Output 1 adds +-1000 in turn: in float, partial sums of 1e3 and more round away the small terms.
            float big = i % out == 1 ? (i / out % 2 == 0 ? 1e3f : -1e3f) : 0f;
            dz[i] = big + (random.nextFloat() - 0.5f) / 64;
        }
        float[] db = {0f, 0.25f, 0f};
        VectorDense.addRowSums(dz, 0, rows, out, db);
        for (int o = 0; o < out; o++) {
            BigDecimal exact = o == 1 ? new BigDecimal("0.25") : BigDecimal.ZERO;
            for (int r = 0; r < rows; r++) {
                exact = exact.add(new BigDecimal(dz[r * out + o]));
            }
            float expected = exact.floatValue();
            assertTrue(Math.abs(db[o] - exact.doubleValue()) <= Math.ulp(expected),
                    "output " + o + ": " + db[o] + " against " + exact);
        }
    }
}
