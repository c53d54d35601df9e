package dev.kiln.processor.check;

import static dev.kiln.processor.check.Specs.conv;
import static dev.kiln.processor.check.Specs.dense;
import static dev.kiln.processor.check.Specs.dropout;
import static dev.kiln.processor.check.Specs.maxPool;
import static dev.kiln.processor.check.Specs.network;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.Padding;
import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Message;
import dev.kiln.processor.model.Axis;
import dev.kiln.processor.model.LayerSpec;
import dev.kiln.processor.model.NetworkModel;
import dev.kiln.processor.model.ResolvedLayer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Shape inference and checks on plain specs, with no compiler. */
class NetworkCheckerTest {

    private static NetworkModel valid(dev.kiln.processor.model.NetworkSpec spec) {
        CheckResult result = NetworkChecker.check(spec);
        assertFalse(result.hasErrors(), () -> result.diagnostics().toString());
        return result.model().orElseThrow();
    }

    @Test
    void tfMnistHasTheTutorialsParameterCount() {
        NetworkModel model = valid(network(1, 28, 28,
                conv("conv1", 32, 5, 1, Padding.SAME), maxPool("pool1", 2),
                conv("conv2", 64, 5, 1, Padding.SAME), maxPool("pool2", 2),
                dense("fc1", 1024), dropout("drop", 0.5), dense("logits", 10)));
        assertEquals("64x7x7", model.layers().get(3).output().toString());
        assertEquals(3136, model.layers().get(4).input().size());
        assertEquals(3_274_634, model.totalParameters());
        assertEquals(10, model.classes());
    }

    @Test
    void sixFiltersOf5x5x3WithPadding2Keep32x32AndHave456Parameters() {
        NetworkModel model = valid(network(3, 32, 32, conv("conv", 6, 5, 1, 2), dense("out", 10)));
        ResolvedLayer conv = model.layers().get(0);
        assertEquals("6x32x32", conv.output().toString());
        assertEquals(456, conv.parameters());
        assertEquals(2L * 32 * 32 * 6 * 5 * 5 * 3, conv.flops());
    }

    @Test
    void kernel4Stride1On32Gives29() {
        NetworkModel model = valid(network(1, 32, 32, conv("conv", 1, 4, 1, 0), dense("out", 2)));
        assertEquals("1x29x29", model.layers().get(0).output().toString());
    }

    @Test
    void oneByOneConvolutionChangesOnlyChannels() {
        NetworkModel model = valid(network(64, 13, 13, conv("squeeze", 16, 1, 1, 0), dense("out", 2)));
        assertEquals("16x13x13", model.layers().get(0).output().toString());
    }

    @Test
    void twoByTwoMaxPoolHalves4x4AndGlobalPoolKeepsChannels() {
        NetworkModel model = valid(network(3, 4, 4, maxPool("pool", 2),
                new LayerSpec.GlobalAvgPoolSpec("gap", Set.of()), dense("out", 2)));
        assertEquals("3x2x2", model.layers().get(0).output().toString());
        assertEquals("3x1x1", model.layers().get(1).output().toString());
        assertEquals(3 * 2 + 2, model.layers().get(2).parameters());
    }

    @Test
    void samePutsTheOddPaddingPixelAfter() {
        NetworkModel model = valid(network(1, 28, 28, conv("c", 4, 5, 2, Padding.SAME), dense("out", 2)));
        Axis rows = model.layers().get(0).rows();
        // out = ceil(28/2) = 14; total = (14-1)*2 + 5 - 28 = 3: one before, two after.
        assertEquals(new Axis(28, 5, 2, 1, 2, 14), rows);
    }

    @Test
    void samePoolOn7Gives4() {
        NetworkModel model = valid(network(1, 7, 7, maxPool("p", 2, 2, Padding.SAME), dense("out", 2)));
        assertEquals(new Axis(7, 2, 2, 0, 1, 4), model.layers().get(0).rows());
    }

    @Test
    void fractionalOutputSaysTheArithmeticAndAPaddingThatWorks() {
        CheckResult result = NetworkChecker.check(network(1, 32, 32, conv("conv1", 16, 4, 3, 0), dense("out", 10)));
        Diagnostic error = single(result);
        assertEquals(Message.FRACTIONAL_OUTPUT, error.message());
        assertEquals("stride", error.attribute());
        assertEquals(List.of(
                "conv1: output size (32 + 2*0 - 4)/3 + 1 = 10.33 is not an integer",
                "input 1x32x32 (C x H x W); out = (in + 2*padding - kernel)/stride + 1",
                "help: padding = 1 gives (32 + 2*1 - 4)/3 + 1 = 11, output 16x11x11"), error.lines());
    }

    @Test
    void validPoolThatDropsARowWarnsWithItsFormula() {
        CheckResult result = NetworkChecker.check(network(32, 11, 11, maxPool("pool", 2), dense("out", 10)));
        assertFalse(result.hasErrors());
        Diagnostic warning = result.warnings().get(0);
        assertEquals(Message.DROPPED_INPUT, warning.message());
        assertEquals("pool: output size floor((11 - 2)/2) + 1 = 5 never reads the last row and column of the"
                + " 32x11x11 input", warning.lines().get(0));
        assertTrue(warning.lines().get(2).contains("mode = Padding.SAME gives output 32x6x6"));
        assertEquals("32x5x5", result.model().orElseThrow().layers().get(0).output().toString());
    }

    @Test
    void flooredExplicitPaddingWarnsInsteadOfFailing() {
        // ResNet's stem: 7x7 stride 2 padding 3 on 224 gives 112.5, floored to 112.
        LayerSpec.ConvSpec stem = new LayerSpec.ConvSpec("stem", Set.of("kernel", "stride", "padding", "floor"), 64,
                7, 7, 2, 3, Padding.EXPLICIT, true, dev.kiln.dsl.Activation.RELU,
                new dev.kiln.processor.model.InitSpec(dev.kiln.dsl.Init.HE, 0, 0), 0, true);
        CheckResult result = NetworkChecker.check(network(3, 224, 224, stem, dense("out", 10)));
        assertFalse(result.hasErrors(), () -> result.diagnostics().toString());
        assertEquals("stem: output size (224 + 2*3 - 7)/2 + 1 = 112.5, floored to 112 never reads the last row and"
                + " column of the 3x224x224 input", result.warnings().get(0).lines().get(0));
        assertEquals("floor", result.warnings().get(0).attribute());
        assertEquals("64x112x112", result.model().orElseThrow().layers().get(0).output().toString());
    }

    @Test
    void kernelLargerThanInputIsOneErrorWithARepair() {
        CheckResult result = NetworkChecker.check(network(1, 3, 3, conv("c", 4, 5, 1, 0), dense("out", 2)));
        Diagnostic error = single(result);
        assertEquals(Message.KERNEL_TOO_LARGE, error.message());
        assertEquals("c: kernel 5 is larger than its input 3, so there is no output", error.lines().get(0));
        assertEquals("help: padding = 1 gives (3 + 2*1 - 5)/1 + 1 = 1, output 4x1x1", error.lines().get(2));
    }

    @Test
    void independentValueErrorsInSeveralLayersAreAllReported() {
        CheckResult result = NetworkChecker.check(network(1, 28, 28,
                conv("a", 0, 3, 1, 0), conv("b", 8, 3, 0, 0), dropout("d", 1.0), dense("out", -1)));
        assertEquals(List.of(0, 1, 2, 3), result.errors().stream().map(Diagnostic::layer).toList());
        assertEquals(List.of("filters", "stride", "value", "units"),
                result.errors().stream().map(Diagnostic::attribute).toList());
    }

    @Test
    void aShapeErrorStopsInferenceSoLaterLayersRaiseNothing() {
        CheckResult result = NetworkChecker.check(network(1, 32, 32,
                conv("bad", 8, 4, 3, 0), conv("would-fail-too", 8, 40, 1, 0), dense("out", 10)));
        assertEquals(1, result.diagnostics().size(), result.diagnostics()::toString);
        assertEquals(0, result.errors().get(0).layer());
    }

    @Test
    void structureErrors() {
        assertEquals(Message.NO_LAYERS, single(NetworkChecker.check(network(1, 2, 2))).message());
        Diagnostic last = single(NetworkChecker.check(network(1, 4, 4, dense("d", 3), dropout("x", 0.1))));
        assertEquals(Message.LAST_LAYER_NOT_DENSE, last.message());
        assertEquals(1, last.layer());
        Diagnostic afterFlat = single(NetworkChecker.check(network(1, 4, 4, dense("d", 3), maxPool("p", 2),
                dense("out", 2))));
        assertEquals(Message.SPATIAL_AFTER_FLAT, afterFlat.message());
        Diagnostic input = single(NetworkChecker.check(new dev.kiln.processor.model.NetworkSpec("p", "N", "NM",
                List.of(1, 28), List.of(dense("out", 2)))));
        assertEquals(Message.INVALID_INPUT, input.message());
        assertEquals("input", input.attribute());
    }

    @Test
    void paddingTogetherWithAModeIsAConflict() {
        LayerSpec.ConvSpec both = new LayerSpec.ConvSpec("c", Set.of("kernel", "padding", "mode"), 4, 3, 3, 1, 1,
                Padding.SAME, false, dev.kiln.dsl.Activation.NONE,
                new dev.kiln.processor.model.InitSpec(dev.kiln.dsl.Init.GLOROT, 0, 0), 0, true);
        Diagnostic error = single(NetworkChecker.check(network(1, 8, 8, both, dense("out", 2))));
        assertEquals(Message.PADDING_WITH_MODE, error.message());
        assertEquals("padding", error.attribute());
    }

    @Test
    void nonSquareFractionNamesTheAxis() {
        LayerSpec.ConvSpec wide = new LayerSpec.ConvSpec("c", Set.of("kernelHeight", "kernelWidth", "stride"), 4,
                3, 4, 2, 0, Padding.EXPLICIT, false, dev.kiln.dsl.Activation.NONE,
                new dev.kiln.processor.model.InitSpec(dev.kiln.dsl.Init.GLOROT, 0, 0), 0, true);
        Diagnostic error = single(NetworkChecker.check(network(1, 9, 9, wide, dense("out", 2))));
        assertEquals("c: output width (9 + 2*0 - 4)/2 + 1 = 3.5 is not an integer", error.lines().get(0));
        assertNull(error.lines().stream().filter(l -> l.contains("either")).findFirst().orElse(null));
        // Padding 1 makes the width (9+2-4)/2+1 = 4.5, so no padding fits; floor and SAME keep the stride.
        assertEquals("help: floor = true gives output 4x4x3, rounding down as PyTorch does (the last column unread);"
                + " or mode = Padding.SAME gives output 4x5x5", error.lines().get(2));
    }

    private static Diagnostic single(CheckResult result) {
        assertEquals(1, result.diagnostics().size(), result.diagnostics()::toString);
        return result.diagnostics().get(0);
    }
}
