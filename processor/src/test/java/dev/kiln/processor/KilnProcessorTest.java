package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.kiln.processor.ProcessorCompiler.compile;
import static dev.kiln.processor.ProcessorCompiler.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Every error and warning as javac prints it: key, text, line and count. */
class KilnProcessorTest {

    private static final JavaFileObject VALID = source("Net", """
            @Network(input = {1, 28, 28})
            class Net {
                @Conv(filters = 8, kernel = 3, padding = 1, activation = Activation.RELU) Layer conv;
                @MaxPool(size = 2) Layer pool;
                @Dense(units = 10) Layer logits;
            }
            """);

    @Test
    void aValidNetworkCompilesWithoutWarnings() {
        Compilation c = compile(VALID);
        assertThat(c).succeededWithoutWarnings();
    }

    @Test
    void summaryIsANoteOnTheClassWhenAskedFor() {
        Compilation c = ProcessorCompiler.compile(List.of(VALID), true);
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("[Kiln/Summary] Network Net").inFile(VALID).onLineContaining("@Network");
        assertThat(c).hadNoteContaining("Total params: 15,770");
        assertThat(c).hadNoteContaining("logits   Dense    10            15,690");
    }

    @Test
    void fractionalOutputIsOnTheStrideWithArithmeticAndRepair() {
        JavaFileObject src = source("TinyNet", """
                @Network(input = {1, 32, 32})
                class TinyNet {
                    @Conv(filters = 16, kernel = 4, stride = 3) Layer conv1;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/FractionalOutput] conv1: output size (32 + 2*0 - 4)/3 + 1 = 10.33 is"
                + " not an integer").inFile(src).onLineContaining("stride = 3");
        // javac indents the further lines of a message itself.
        assertThat(c).hadErrorContaining("\n    input 1x32x32 (C x H x W); out = (in + 2*padding - kernel)/stride + 1");
        assertThat(c).hadErrorContaining("\n    help: padding = 1 gives (32 + 2*1 - 4)/3 + 1 = 11, output 16x11x11");
        long column = c.errors().get(0).getColumnNumber();
        String line = "    @Conv(filters = 16, kernel = 4, stride = 3) Layer conv1;";
        assertEquals(line.indexOf("3)") + 1, column, "caret under the stride's value");
    }

    @Test
    void validPoolDroppingARowWarnsAndSuppressWarningsSilencesIt() {
        String body = """
                @Network(input = {1, 11, 11})
                class PoolNet {
                    @Conv(filters = 32, kernel = 3, padding = 1) Layer conv1;
                    %s@MaxPool(size = 2) Layer pool1;
                    @Dense(units = 10) Layer logits;
                }
                """;
        JavaFileObject warned = source("PoolNet", body.formatted(""));
        Compilation c = compile(warned);
        assertThat(c).succeeded();
        assertThat(c).hadWarningCount(1);
        assertThat(c).hadWarningContaining("[Kiln/DroppedInput] pool1: output size floor((11 - 2)/2) + 1 = 5 never"
                + " reads the last row and column of the 32x11x11 input")
                .inFile(warned).onLineContaining("@MaxPool(size = 2)");
        assertThat(c).hadWarningContaining("help: mode = Padding.SAME gives output 32x6x6");
        assertThat(c).hadWarningContaining("@SuppressWarnings(\"kiln-floor\")");

        assertThat(compile(source("PoolNet", body.formatted("@SuppressWarnings(\"kiln-floor\") "))))
                .succeededWithoutWarnings();
    }

    @Test
    void pytorchFloorWithExplicitPaddingWarnsOnTheFloorAttribute() {
        JavaFileObject src = source("Stem", """
                @Network(input = {3, 224, 224})
                class Stem {
                    @Conv(filters = 64, kernel = 7, stride = 2, padding = 3,
                          floor = true) Layer stem;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).succeeded();
        assertThat(c).hadWarningContaining("[Kiln/DroppedInput] stem: output size (224 + 2*3 - 7)/2 + 1 = 112.5,"
                + " floored to 112").inFile(src).onLineContaining("floor = true");
        // Without floor it is the error.
        Compilation strict = compile(source("Stem", """
                @Network(input = {3, 224, 224})
                class Stem {
                    @Conv(filters = 64, kernel = 7, stride = 2, padding = 3) Layer stem;
                    @Dense(units = 10) Layer logits;
                }
                """));
        assertThat(strict).hadErrorContaining("[Kiln/FractionalOutput] stem: output size (224 + 2*3 - 7)/2 + 1 = 112.5");
        assertThat(strict).hadErrorCount(1);
    }

    @Test
    void kernelLargerThanInput() {
        JavaFileObject src = source("Big", """
                @Network(input = {1, 4, 4})
                class Big {
                    @MaxPool(size = 5) Layer pool;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/KernelTooLarge] pool: size 5 is larger than its input 4, so there is"
                + " no output").inFile(src).onLineContaining("size = 5");
        assertThat(c).hadErrorContaining("help: mode = Padding.SAME gives output 1x1x1");
    }

    @Test
    void nonPositiveAndNegativeValuesInSeveralLayersAreAllReported() {
        JavaFileObject src = source("Bad", """
                @Network(input = {1, 28, 28})
                class Bad {
                    @Conv(filters = 0, kernel = 3) Layer a;
                    @Conv(filters = 4, kernel = 3, padding = -1) Layer b;
                    @MaxPool(size = 2, stride = -2) Layer c;
                    @Conv(filters = 4, kernel = 3, stride = 0) Layer d;
                    @Dense(units = 0) Layer logits;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(5);
        assertThat(c).hadErrorContaining("[Kiln/NotPositive] a: filters = 0 must be at least 1")
                .inFile(src).onLineContaining("filters = 0");
        assertThat(c).hadErrorContaining("[Kiln/Negative] b: padding = -1 must not be negative")
                .inFile(src).onLineContaining("padding = -1");
        assertThat(c).hadErrorContaining("[Kiln/NotPositive] c: stride = -2 must be at least 1")
                .inFile(src).onLineContaining("stride = -2");
        assertThat(c).hadErrorContaining("[Kiln/NotPositive] d: stride = 0 must be at least 1")
                .inFile(src).onLineContaining("stride = 0");
        assertThat(c).hadErrorContaining("[Kiln/NotPositive] logits: units = 0 must be at least 1")
                .inFile(src).onLineContaining("units = 0");
    }

    @Test
    void kernelMissingOrGivenTwice() {
        JavaFileObject src = source("K", """
                @Network(input = {1, 28, 28})
                class K {
                    @Conv(filters = 4) Layer none;
                    @Conv(filters = 4, kernel = 3, kernelHeight = 5) Layer both;
                    @Conv(filters = 4, kernelHeight = 0, kernelWidth = 3) Layer zero;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(3);
        assertThat(c).hadErrorContaining("[Kiln/MissingKernel] none:").inFile(src).onLineContaining("Layer none");
        assertThat(c).hadErrorContaining("[Kiln/ConflictingKernel] both: kernel and kernelHeight = 5 both give the kernel size; keep one")
                .inFile(src).onLineContaining("Layer both");
        assertThat(c).hadErrorContaining("[Kiln/NotPositive] zero: kernelHeight = 0").inFile(src)
                .onLineContaining("Layer zero");
    }

    @Test
    void paddingWithAModeIsAnError() {
        JavaFileObject src = source("M", """
                @Network(input = {1, 28, 28})
                class M {
                    @Conv(filters = 4, kernel = 3, padding = 1, mode = Padding.SAME) Layer conv;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/PaddingWithMode] conv: padding = 1 and mode = SAME both say how to"
                + " pad; keep one").inFile(src).onLineContaining("mode = Padding.SAME");
    }

    @Test
    void poolPaddingBeyondHalfTheWindowAndUselessFloor() {
        JavaFileObject src = source("P", """
                @Network(input = {1, 28, 28})
                class P {
                    @MaxPool(size = 2, padding = 2) Layer wide;
                    @AvgPool(size = 2, mode = Padding.SAME,
                             floor = true) Layer useless;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/PoolPaddingTooLarge] wide: padding = 2 is more than half the window"
                + " size 2").inFile(src).onLineContaining("padding = 2");
        assertThat(c).hadWarningContaining("[Kiln/UselessFloor] useless: floor = true has no effect with mode = SAME")
                .inFile(src).onLineContaining("floor = true");
    }

    @Test
    void dropoutRateAndInitializerValues() {
        JavaFileObject src = source("D", """
                @Network(input = {1, 8, 8})
                class D {
                    @Dropout(1.0) Layer all;
                    @Conv(filters = 4, kernel = 3, init = Init.NORMAL) Layer noStddev;
                    @Conv(filters = 4, kernel = 3, init = Init.TRUNCATED_NORMAL, stddev = -0.1) Layer negative;
                    @Conv(filters = 4, kernel = 3, stddev = 0.1) Layer unused;
                    @Dense(units = 10, l2 = -0.01) Layer logits;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(5);
        assertThat(c).hadErrorContaining("[Kiln/DropoutRate] all: dropout rate 1.0 is outside [0, 1)")
                .inFile(src).onLineContaining("@Dropout(1.0)");
        assertThat(c).hadErrorContaining("[Kiln/StddevNotPositive] noStddev: init = NORMAL needs stddev greater than"
                + " 0, but stddev = 0.0").inFile(src).onLineContaining("Layer noStddev");
        assertThat(c).hadErrorContaining("[Kiln/StddevNotPositive] negative: init = TRUNCATED_NORMAL")
                .inFile(src).onLineContaining("stddev = -0.1");
        assertThat(c).hadErrorContaining("[Kiln/StddevWithoutNormal] unused: stddev = 0.1 is only used by init ="
                + " NORMAL or TRUNCATED_NORMAL, but init is AUTO, that is GLOROT for activation NONE")
                .inFile(src).onLineContaining("Layer unused");
        assertThat(c).hadErrorContaining("[Kiln/Negative] logits: l2 = -0.01 must not be negative")
                .inFile(src).onLineContaining("l2 = -0.01");
    }

    @Test
    void fieldProblems() {
        JavaFileObject src = source("F", """
                @Network(input = {1, 8, 8})
                class F {
                    @Conv(filters = 4, kernel = 3) @MaxPool(size = 2) Layer twice;
                    Layer bare;
                    @Dense(units = 4) String wrongType;
                    static final int NOT_A_LAYER = 3;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(3);
        assertThat(c).hadErrorContaining("[Kiln/TwoLayerAnnotations] twice: one field is one layer, but it has both"
                + " @Conv and @MaxPool").inFile(src).onLineContaining("Layer twice");
        assertThat(c).hadErrorContaining("[Kiln/MissingLayerAnnotation] bare: a Layer field needs one layer"
                + " annotation").inFile(src).onLineContaining("Layer bare");
        assertThat(c).hadErrorContaining("[Kiln/NotALayerField] wrongType: a layer field must have type"
                + " dev.kiln.dsl.Layer, not java.lang.String").inFile(src).onLineContaining("String wrongType");
    }

    @Test
    void networkProblems() {
        JavaFileObject src = source("N", """
                class N {
                    @Network(input = {1, 28})
                    static class BadInput { @Dense(units = 10) Layer logits; }

                    @Network(input = {1, 28, 28}) static class Empty { }

                    @Network(input = {1, 28, 28})
                    static class EndsWithPool { @MaxPool(size = 2) Layer last; }

                    @Network(input = {1, 28, 28}) private static class Hidden { @Dense(units = 10) Layer logits; }

                    @Network(input = {1, 28, 28}) class Inner { @Dense(units = 10) Layer logits; }

                    @Network(input = {1, 28, 28}, generatedName = "not a name")
                    static class Named { @Dense(units = 10) Layer logits; }

                    @Network(input = {1, 28, 28})
                    static class PoolAfterDense { @Dense(units = 10) Layer fc; @MaxPool(size = 2) Layer p;
                        @Dense(units = 10) Layer logits; }
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(7);
        assertThat(c).hadErrorContaining("[Kiln/InvalidInput] input = {1, 28} must be three positive sizes")
                .inFile(src).onLineContaining("input = {1, 28})");
        assertThat(c).hadErrorContaining("[Kiln/NoLayers] Empty has no layers").inFile(src)
                .onLineContaining("class Empty");
        assertThat(c).hadErrorContaining("[Kiln/LastLayerNotDense] last: the last layer must be @Dense")
                .inFile(src).onLineContaining("Layer last");
        assertThat(c).hadErrorContaining("[Kiln/UnreachableClass] Hidden is private").inFile(src)
                .onLineContaining("class Hidden");
        assertThat(c).hadErrorContaining("[Kiln/UnreachableClass] Inner is an inner (non-static) class")
                .inFile(src).onLineContaining("class Inner");
        assertThat(c).hadErrorContaining("[Kiln/InvalidGeneratedName] generatedName = \"not a name\"")
                .inFile(src).onLineContaining("not a name");
        assertThat(c).hadErrorContaining("[Kiln/SpatialAfterFlat] p: @MaxPool needs a C x H x W input, but fc"
                + " outputs a flat vector of 10 values").inFile(src).onLineContaining("Layer p;");
    }

    @Test
    void aShapeErrorStopsInferenceButOtherLayersValueErrorsStillShow() {
        JavaFileObject src = source("S", """
                @Network(input = {1, 32, 32})
                class S {
                    @Conv(filters = 4, kernel = 4, stride = 3) Layer first;
                    @Conv(filters = 4, kernel = 99) Layer wouldAlsoFail;
                    @Dropout(2.0) Layer badRate;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(2);
        assertThat(c).hadErrorContaining("[Kiln/FractionalOutput] first").inFile(src).onLineContaining("Layer first");
        assertThat(c).hadErrorContaining("[Kiln/DropoutRate] badRate").inFile(src).onLineContaining("Layer badRate");
    }

    @Test
    void theUsersOwnCompileErrorIsLeftToJavac() {
        JavaFileObject src = source("U", """
                @Network(input = {1, 28, 28})
                class U {
                    @Conv(filters = UNKNOWN, kernel = 3) Layer conv;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = ProcessorCompiler.compile(List.of(src), false);
        assertThat(c).failed();
        assertTrue(c.errors().stream().noneMatch(e -> e.getMessage(null).contains("[Kiln/")), c.errors()::toString);
    }
}
