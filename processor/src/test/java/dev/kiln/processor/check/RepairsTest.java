package dev.kiln.processor.check;

import static dev.kiln.processor.check.Specs.dense;
import static dev.kiln.processor.check.Specs.network;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Init;
import dev.kiln.dsl.Padding;
import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Message;
import dev.kiln.processor.model.InitSpec;
import dev.kiln.processor.model.LayerSpec;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The repairs offered with a window that does not fit: computed arithmetically (their cost does
 * not grow with the kernel or the padding), in the order that keeps the layer's cost, and each
 * one checked before it is offered.
 */
class RepairsTest {

    @Test
    void theResNetStemIsOfferedFloorOrSameBeforeAStrideChange() {
        // 224, kernel 7, stride 2, padding 3: 112.5. No padding fits (224 - 7 is odd, 2*padding even);
        // stride 1 would fit but costs four times the compute.
        Diagnostic error = single(network(3, 224, 224, conv("stem", 64, 7, 7, 2, 3, Padding.EXPLICIT), dense("out", 10)));
        assertEquals(Message.FRACTIONAL_OUTPUT, error.message());
        assertEquals(List.of(
                "stem: output size (224 + 2*3 - 7)/2 + 1 = 112.5 is not an integer",
                "input 3x224x224 (C x H x W); out = (in + 2*padding - kernel)/stride + 1",
                "help: floor = true gives output 64x112x112, rounding down as PyTorch does (the last row and column"
                        + " unread); or mode = Padding.SAME instead of padding = 3 gives output 64x112x112"),
                error.lines());
    }

    @Test
    void aStrideChangeIsOfferedOnlyWhenNeitherFloorNorSameGivesAnOutputAJavaArrayHolds() {
        // 46000 - 1 = 45999 = 3^2 * 19 * 269 is odd, so stride 2 leaves a fraction. Floored or SAME, the
        // output is 8x23000x23000 = 4,232,000,000 values, too many; stride 1 more still; stride 3 fits.
        Diagnostic error = single(network(1, 46000, 46000, conv("c", 8, 1, 1, 2, 0, Padding.EXPLICIT), dense("out", 2)));
        assertEquals(Message.FRACTIONAL_OUTPUT, error.message());
        assertEquals("help: stride = 3 gives (46000 + 2*0 - 1)/3 + 1 = 15334, output 8x15334x15334",
                error.lines().get(2));
    }

    @Test
    void theNearestPaddingIsFoundArithmeticallyExactlyAsASearchOfEveryPaddingFindsIt() {
        Random random = new Random(9);
        int checked = 0;
        for (int n = 0; n < 4000; n++) {
            int inH = 1 + random.nextInt(40), inW = random.nextBoolean() ? inH : 1 + random.nextInt(40);
            int kh = 1 + random.nextInt(9), kw = random.nextBoolean() ? kh : 1 + random.nextInt(9);
            int stride = 1 + random.nextInt(6), padding = random.nextInt(6);
            List<Diagnostic> errors = NetworkChecker.check(network(2, inH, inW,
                    conv("c", 3, kh, kw, stride, padding, Padding.EXPLICIT), dense("out", 2))).errors();
            if (errors.isEmpty()) {
                continue;
            }
            checked++;
            Diagnostic error = errors.get(0);
            int expected = nearestPadding(inH, inW, kh, kw, stride, padding);
            String help = error.lines().stream().filter(l -> l.startsWith("help: ")).findFirst().orElse("");
            String where = inH + "x" + inW + " kernel " + kh + "x" + kw + " stride " + stride + " padding " + padding
                    + ": " + error.lines();
            if (expected >= 0) {
                assertTrue(help.startsWith("help: padding = " + expected + " gives"), where);
            } else {
                assertTrue(!help.contains("padding = ") || help.contains("instead of padding = "), where);
                String fallback = error.message() == Message.FRACTIONAL_OUTPUT ? "help: floor = true" : "help: mode = Padding.SAME";
                assertTrue(help.startsWith(fallback), where);
            }
        }
        assertTrue(checked > 1000, "only " + checked + " of the random layers were in error");
    }

    /** The reference: every padding from 0 to the kernel - 1 tried, nearest to the user's, the smaller on a tie. */
    private static int nearestPadding(int inH, int inW, int kh, int kw, int stride, int current) {
        int best = -1;
        for (int p = 0; p <= Math.max(kh, kw) - 1; p++) {
            boolean fits = p != current && fits(inH, kh, stride, p) && fits(inW, kw, stride, p);
            if (fits && (best < 0 || Math.abs(p - current) < Math.abs(best - current))) {
                best = p;
            }
        }
        return best;
    }

    private static boolean fits(int in, int kernel, int stride, int padding) {
        int span = in + 2 * padding - kernel;
        return span >= 0 && span % stride == 0;
    }

    @Test
    void aKernelOfIntegerMaxValueIsAnsweredAtOnceWithoutARepairThatCouldNotBeBuilt() {
        // The old search sorted every padding below the kernel: 2^31 boxed longs, out of memory.
        Diagnostic error = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> single(network(1, 28, 28,
                conv("c", 4, Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 0, Padding.EXPLICIT), dense("out", 2))));
        assertEquals(List.of(
                "c: kernel 2147483647 is larger than its input 28, so there is no output",
                "input 1x28x28 (C x H x W); out = (in + 2*padding - kernel)/stride + 1"), error.lines());
    }

    @Test
    void aHugeStrideFindsItsRepairAtOnce() {
        // in 30, kernel 3, stride 2^31 - 1: one window, (30 - 3) % stride = 27, a fraction. Only padding
        // 1073741810 fits exactly, far beyond kernel - 1; the old stride search sorted 4096 candidates.
        Diagnostic error = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> single(network(1, 30, 30,
                conv("c", 4, 3, 3, Integer.MAX_VALUE, 0, Padding.EXPLICIT), dense("out", 2))));
        assertEquals(Message.FRACTIONAL_OUTPUT, error.message());
        assertEquals("help: floor = true gives output 4x1x1, rounding down as PyTorch does (the last 27 rows and 27"
                + " columns unread); or mode = Padding.SAME instead of padding = 0 gives output 4x1x1", error.lines().get(2));
    }

    static LayerSpec.ConvSpec conv(String name, int filters, int kh, int kw, int stride, int padding, Padding mode) {
        Set<String> written = mode == Padding.EXPLICIT
                ? Set.of("filters", "kernelHeight", "kernelWidth", "stride", "padding")
                : Set.of("filters", "kernelHeight", "kernelWidth", "stride", "mode");
        return new LayerSpec.ConvSpec(name, written, filters, kh, kw, stride, padding, mode, false, Activation.RELU,
                new InitSpec(Init.HE, 0, 0), 0, true);
    }

    static Diagnostic single(dev.kiln.processor.model.NetworkSpec spec) {
        CheckResult result = NetworkChecker.check(spec);
        assertEquals(1, result.diagnostics().size(), result.diagnostics()::toString);
        return result.diagnostics().get(0);
    }
}
