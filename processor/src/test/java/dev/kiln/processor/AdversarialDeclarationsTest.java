package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.kiln.processor.ProcessorCompiler.compile;
import static dev.kiln.processor.ProcessorCompiler.source;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Declarations written to break the processor: extreme sizes, paddings and written-out defaults.
 * Each is answered at once with its own error, its numbers and its place; none crashes javac or
 * compiles into negative sizes.
 */
class AdversarialDeclarationsTest {

    /** Sizes up to 2^31 - 1 are pure arithmetic to the checker: none of these may take long. */
    private static final Duration QUICK = Duration.ofSeconds(60);

    private static Compilation quickly(JavaFileObject source) {
        return assertTimeoutPreemptively(QUICK, () -> compile(source));
    }

    @Test
    void aKernelOfIntegerMaxValueIsAnErrorNotAnOutOfMemoryError() {
        JavaFileObject src = source("K", """
                @Network(input = {1, 28, 28})
                class K {
                    @Conv(filters = 4, kernel = Integer.MAX_VALUE) Layer conv;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = quickly(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/KernelTooLarge] conv: kernel 2147483647 is larger than its input 28,"
                + " so there is no output").inFile(src).onLineContaining("kernel = Integer.MAX_VALUE");
    }

    @Test
    void aKernelOfIntegerMaxValueWithSameIsAnErrorNotNegativeParameters() {
        JavaFileObject src = source("S", """
                @Network(input = {1, 28, 28})
                class S {
                    @Conv(filters = 4, kernel = Integer.MAX_VALUE,
                          mode = Padding.SAME) Layer conv;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = quickly(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/PaddedInputTooLarge] conv: the padded input 1x2147483674x2147483674 has"
                + " 4,611,686,130,096,538,276 values per example, more than a Java array holds (2,147,483,647)")
                .inFile(src).onLineContaining("mode = Padding.SAME");
    }

    @Test
    void aConvolutionPaddingOverflowingAnIntIsItsOwnErrorWithARepair() {
        JavaFileObject src = source("P", """
                @Network(input = {1, 28, 28})
                class P {
                    @Conv(filters = 4, kernel = 3, padding = 1073741811) Layer conv;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = quickly(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/ConvPaddingTooLarge] conv: padding = 1073741811 makes the padded input"
                + " 1x2147483650x2147483650, 4,611,686,027,017,322,500 values per example, more than a Java array holds"
                + " (2,147,483,647)").inFile(src).onLineContaining("padding = 1073741811");
        assertThat(c).hadErrorContaining("help: padding = 2 gives (28 + 2*2 - 3)/1 + 1 = 30, output 4x30x30");
    }

    @Test
    void aConvolutionPaddingAboveHalfOfIntegerMaxValueDoesNotGetThePoolingMessage() {
        JavaFileObject src = source("H", """
                @Network(input = {1, 28, 28})
                class H {
                    @Conv(filters = 4, kernel = 3, padding = Integer.MAX_VALUE) Layer conv;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = quickly(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/ConvPaddingTooLarge] conv: padding = 2147483647")
                .inFile(src).onLineContaining("padding = Integer.MAX_VALUE");
        assertTrue(c.errors().stream().noneMatch(e -> e.getMessage(null).contains("PoolPaddingTooLarge")));
    }

    @Test
    void aHugeWeightIsNotSaidToBePerExample() {
        JavaFileObject src = source("W", """
                @Network(input = {1, 40000, 40000})
                class W {
                    @Dense(units = 1000) Layer logits;
                }
                """);
        Compilation c = quickly(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/WeightsTooLarge] logits: weight [1000, 1600000000] has"
                + " 1,600,000,000,000 values, more than a Java array holds (2,147,483,647)")
                .inFile(src).onLineContaining("Layer logits");
        assertFalse(c.errors().get(0).getMessage(null).contains("per example"));
    }

    @Test
    void aWrittenPoolStrideOfZeroIsAnErrorWhileTheDefaultMeansTheWindowSize() {
        JavaFileObject src = source("Z", """
                @Network(input = {1, 28, 28})
                class Z {
                    @MaxPool(size = 2, stride = 0) Layer max;
                    @AvgPool(size = 2, stride = 0) Layer avg;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = quickly(src);
        assertThat(c).hadErrorCount(2);
        assertThat(c).hadErrorContaining("[Kiln/NotPositive] max: stride = 0 must be at least 1")
                .inFile(src).onLineContaining("Layer max");
        assertThat(c).hadErrorContaining("[Kiln/NotPositive] avg: stride = 0 must be at least 1")
                .inFile(src).onLineContaining("Layer avg");
        assertThat(c).hadErrorContaining("help: leave stride out for windows side by side (stride = size = 2)");
        assertThat(compile(source("Z", """
                @Network(input = {1, 28, 28})
                class Z {
                    @MaxPool(size = 2) Layer max;
                    @AvgPool(size = 2) Layer avg;
                    @Dense(units = 10) Layer logits;
                }
                """))).succeededWithoutWarnings();
    }

    @Test
    void theResNetStemIsOfferedFloorOrSameRatherThanFourTimesTheCompute() {
        JavaFileObject src = source("Stem", """
                @Network(input = {3, 224, 224})
                class Stem {
                    @Conv(filters = 64, kernel = 7, stride = 2, padding = 3) Layer stem;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = quickly(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/FractionalOutput] stem: output size (224 + 2*3 - 7)/2 + 1 = 112.5")
                .inFile(src).onLineContaining("stride = 2");
        assertThat(c).hadErrorContaining("help: floor = true gives output 64x112x112, rounding down as PyTorch does"
                + " (the last row and column unread); or mode = Padding.SAME instead of padding = 3 gives output"
                + " 64x112x112");
        assertTrue(c.errors().stream().noneMatch(e -> e.getMessage(null).contains("stride = 1")));
    }

    @Test
    void numbersUseTheRootLocaleUnderAGermanJavac() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            JavaFileObject input = source("Huge", """
                    @Network(input = {3, 40000, 40000})
                    class Huge {
                        @Dense(units = 10) Layer logits;
                    }
                    """);
            Compilation c = compile(input);
            assertThat(c).hadErrorContaining("[Kiln/InputTooLarge] input 3x40000x40000 has 4,800,000,000 values per"
                    + " example, more than a Java array holds (2,147,483,647)");
            JavaFileObject wide = source("Wide", """
                    @Network(input = {1, 30000, 30000})
                    class Wide {
                        @Conv(filters = 64, kernel = 3, padding = 1) Layer conv;
                        @Dense(units = 10) Layer logits;
                    }
                    """);
            assertThat(compile(wide)).hadErrorContaining("[Kiln/TensorTooLarge] conv: output 64x30000x30000 has"
                    + " 57,600,000,000 values per example");
            JavaFileObject fraction = source("F", """
                    @Network(input = {1, 32, 32})
                    class F {
                        @Conv(filters = 16, kernel = 4, stride = 3) Layer conv1;
                        @Dense(units = 10) Layer logits;
                    }
                    """);
            assertThat(compile(fraction)).hadErrorContaining("(32 + 2*0 - 4)/3 + 1 = 10.33 is not an integer");
            JavaFileObject valid = source("V", """
                    @Network(input = {3, 224, 224})
                    class V {
                        @Dense(units = 1000) Layer logits;
                    }
                    """);
            Compilation summary = ProcessorCompiler.compile(List.of(valid), true);
            assertThat(summary).hadNoteContaining("Total params: 150,529,000");
            assertThat(summary).hadNoteContaining("Forward FLOPs per example: 301,056,000");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void runningOutOfMemoryOnOneClassIsAnInternalErrorOnItAndTheNextClassIsStillChecked() {
        JavaFileObject first = source("First", """
                @Network(input = {1, 28, 28})
                class First {
                    @Dense(units = 10) Layer logits;
                }
                """);
        JavaFileObject second = source("Second", """
                @Network(input = {1, 32, 32})
                class Second {
                    @Conv(filters = 16, kernel = 4, stride = 3) Layer conv1;
                    @Dense(units = 10) Layer logits;
                }
                """);
        KilnProcessor failing = new KilnProcessor(type -> {
            if (type.getSimpleName().contentEquals("First")) {
                throw new OutOfMemoryError("Java heap space");
            }
        });
        Compilation c = Compiler.javac().withProcessors(failing)
                .withOptions("-Akiln.generate=false", "-proc:only").compile(first, second);
        assertThat(c).hadErrorCount(2);
        assertThat(c).hadErrorContaining("[Kiln/InternalError] the Kiln processor failed on test.First:"
                + " java.lang.OutOfMemoryError: Java heap space at ").inFile(first).onLineContaining("class First");
        assertThat(c).hadErrorContaining("[Kiln/FractionalOutput] conv1").inFile(second).onLineContaining("stride = 3");
    }

    @Test
    void aBrokenVirtualMachineEndsTheCompilation() {
        KilnProcessor broken = new KilnProcessor(type -> {
            throw new InternalError("broken JVM");
        });
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> Compiler.javac().withProcessors(broken)
                .withOptions("-Akiln.generate=false", "-proc:only").compile(source("B", """
                        @Network(input = {1, 28, 28})
                        class B {
                            @Dense(units = 10) Layer logits;
                        }
                        """)));
        assertTrue(thrown.getCause() instanceof InternalError, thrown::toString);
    }

    @Test
    void errorsOfTheJvmItselfAreReportedExceptABrokenVirtualMachine() {
        assertTrue(KilnProcessor.reportable(new OutOfMemoryError("Java heap space")));
        assertTrue(KilnProcessor.reportable(new StackOverflowError()));
        assertTrue(KilnProcessor.reportable(new ArithmeticException("integer overflow")));
        assertTrue(KilnProcessor.reportable(new NoClassDefFoundError("dev/kiln/dsl/Padding")));
        assertTrue(KilnProcessor.reportable(new AssertionError("unreachable")));
        assertFalse(KilnProcessor.reportable(new InternalError("broken JVM")));
    }
}
