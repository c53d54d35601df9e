package dev.kiln.processor.check;

import static dev.kiln.processor.check.RepairsTest.conv;
import static dev.kiln.processor.check.RepairsTest.single;
import static dev.kiln.processor.check.Specs.dense;
import static dev.kiln.processor.check.Specs.network;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kiln.dsl.Padding;
import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Message;
import dev.kiln.processor.model.LayerSpec;
import dev.kiln.processor.model.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every size the generated model allocates is computed exactly and refused above what a Java
 * array holds, with the numbers, on the layer at fault; sizes that once overflowed to negative
 * parameter counts or shapes are among them.
 */
class SizeLimitsTest {

    @Test
    void sameWithAKernelOfIntegerMaxValueWouldPadTheInputBeyondAnArray() {
        Diagnostic error = single(network(1, 28, 28,
                conv("c", 4, Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 0, Padding.SAME), dense("out", 2)));
        assertEquals(Message.PADDED_INPUT_TOO_LARGE, error.message());
        assertEquals("mode", error.attribute());
        assertEquals(List.of(
                "c: the padded input 1x2147483674x2147483674 has 4,611,686,130,096,538,276 values per example, more"
                        + " than a Java array holds (2,147,483,647)",
                "input 1x28x28 (C x H x W); SAME: out = ceil(in/stride)",
                "note: SAME pads 2147483646 rows and 2147483646 columns so that ceil(in/stride) windows of"
                        + " 2147483647x2147483647 fit"), error.lines());
    }

    @Test
    void aConvolutionPaddingThatOverflowsAnIntHasItsOwnMessageAndAPaddingThatFits() {
        // 28 + 2*1073741811 - 3 = 2^31 - 1: one more output row than an int counts.
        Diagnostic error = single(network(1, 28, 28, conv("c", 4, 3, 3, 1, 1073741811, Padding.EXPLICIT),
                dense("out", 2)));
        assertEquals(Message.CONV_PADDING_TOO_LARGE, error.message());
        assertEquals("padding", error.attribute());
        assertEquals("c: padding = 1073741811 makes the padded input 1x2147483650x2147483650, 4,611,686,027,017,322,500"
                + " values per example, more than a Java array holds (2,147,483,647)", error.lines().get(0));
        assertEquals("help: padding = 2 gives (28 + 2*2 - 3)/1 + 1 = 30, output 4x30x30", error.lines().get(3));
    }

    @Test
    void aConvolutionPaddingOfIntegerMaxValueIsNotThePoolingMessage() {
        Diagnostic error = single(network(1, 28, 28, conv("c", 4, 3, 3, 1, Integer.MAX_VALUE, Padding.EXPLICIT),
                dense("out", 2)));
        assertEquals(Message.CONV_PADDING_TOO_LARGE, error.message());
    }

    @Test
    void aSameKernelOnlyOneAxisLongPadsThatAxis() {
        Diagnostic error = single(network(1, 28, 28, conv("c", 1, Integer.MAX_VALUE, 1, 1, 0, Padding.SAME),
                dense("out", 2)));
        assertEquals(Message.PADDED_INPUT_TOO_LARGE, error.message());
        assertEquals("c: the padded input 1x2147483674x28 has 60,129,542,872 values per example, more than a Java array"
                + " holds (2,147,483,647)", error.lines().get(0));
        assertEquals("note: SAME pads 2147483646 rows and 0 columns so that ceil(in/stride) windows of 2147483647x1 fit",
                error.lines().get(2));
    }

    @Test
    void anOutputBeyondALongIsCountedExactly() {
        // Three sizes near 2^31 multiply beyond a long; the count is still exact.
        CheckResult result = NetworkChecker.check(new NetworkSpec("p", "N", "NM",
                List.of(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE), List.of(dense("out", 2))));
        Diagnostic error = result.errors().get(0);
        assertEquals(Message.INPUT_TOO_LARGE, error.message());
        assertEquals("input 2147483647x2147483647x2147483647 has 9,903,520,300,447,984,150,353,281,023 values per"
                + " example, more than a Java array holds (2,147,483,647)", error.lines().get(0));
    }

    @Test
    void weightsAreNotPerExample() {
        Diagnostic dense = single(network(1, 40000, 40000, dense("logits", 1000)));
        assertEquals(Message.WEIGHTS_TOO_LARGE, dense.message());
        assertEquals("logits: weight [1000, 1600000000] has 1,600,000,000,000 values, more than a Java array holds"
                + " (2,147,483,647)", dense.lines().get(0));
        Diagnostic conv = single(network(3, 1000, 1000, conv("c", 50000, 200, 200, 100, 0, Padding.SAME),
                dense("out", 2)));
        assertEquals(Message.WEIGHTS_TOO_LARGE, conv.message());
        assertEquals("c: weight [50000, 3, 200, 200] has 6,000,000,000 values, more than a Java array holds"
                + " (2,147,483,647)", conv.lines().get(0));
    }

    @Test
    void aDenseWeightWhosePackedCopyCannotBeAnArrayIsRefused() {
        // 40000 x 40000 = 1.6e9 weights fit, but the kernels keep them and their transpose in one array.
        Diagnostic error = single(network(1, 200, 200, dense("logits", 40000)));
        assertEquals(Message.PACKED_WEIGHTS_TOO_LARGE, error.message());
        assertEquals("units", error.attribute());
        assertEquals("logits: weight [40000, 40000] has 1,600,000,000 values, and the copy the kernels read (it and its"
                + " transpose, rows rounded up to whole vectors) up to 3,200,000,000, more than a Java array holds"
                + " (2,147,483,647)", error.lines().get(0));
        // Half of it packs.
        assertFalse(NetworkChecker.check(network(1, 200, 200, dense("logits", 20000))).hasErrors());
    }

    @Test
    void anOutputTooLargeGivesItsShapeAndCount() {
        Diagnostic error = single(network(1, 30000, 30000, conv("c", 64, 3, 3, 1, 1, Padding.EXPLICIT),
                dense("out", 2)));
        assertEquals(Message.TENSOR_TOO_LARGE, error.message());
        assertEquals("c: output 64x30000x30000 has 57,600,000,000 values per example, more than a Java array holds"
                + " (2,147,483,647)", error.lines().get(0));
    }

    @Test
    void forwardFlopsBeyondALongAreRefusedOnTheLayerThatPassesIt() {
        // Each SAME 23000x23000 convolution of a 1x23000x23000 input: 2 * 23000^4 = 559,682,000,000,000,000
        // FLOPs, while its padded input (45999^2), output and weight all fit. 17 of them pass 2^63.
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            layers.add(conv("c" + i, 1, 23000, 23000, 1, 0, Padding.SAME));
        }
        layers.add(dense("out", 2));
        CheckResult result = NetworkChecker.check(new NetworkSpec("p", "N", "NM", List.of(1, 23000, 23000), layers));
        Diagnostic error = result.errors().get(0);
        assertEquals(1, result.errors().size(), result.errors()::toString);
        assertEquals(Message.TOO_MANY_FLOPS, error.message());
        assertEquals(16, error.layer());
        assertEquals("c16: the forward pass needs more than 9,223,372,036,854,775,807 FLOPs per example, beyond what a"
                + " long counts", error.lines().get(0));
    }
}
