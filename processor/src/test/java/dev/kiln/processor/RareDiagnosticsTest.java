package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.kiln.processor.ProcessorCompiler.compile;
import static dev.kiln.processor.ProcessorCompiler.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The diagnostics that only odd declarations reach: each still lands on the right line with its key. */
class RareDiagnosticsTest {

    @Test
    void networkOnAnInterfaceIsNotAClass() {
        JavaFileObject src = source("I", """
                @Network(input = {1, 28, 28})
                interface I {
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/NotAClass]").inFile(src).onLineContaining("@Network");
    }

    @Test
    void aNanStddevIsNotFinite() {
        JavaFileObject src = source("N", """
                @Network(input = {1, 28, 28})
                class N {
                    @Dense(units = 10, init = Init.NORMAL, stddev = 0.0 / 0.0) Layer logits;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/NotFinite] logits: stddev = NaN").inFile(src).onLineContaining("stddev");
    }

    @Test
    void anInputTooLargeForAJavaArraySaysSoRatherThanThatItIsNotPositive() {
        JavaFileObject src = source("Huge", """
                @Network(input = {3, 40000, 40000})
                class Huge {
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/InputTooLarge] input 3x40000x40000 has 4,800,000,000 values per example")
                .inFile(src).onLineContaining("@Network");
    }

    @Test
    void aLayerOutputTooLargeForAJavaArrayIsRefusedBeforeAnyCodeIsGenerated() {
        JavaFileObject src = source("Wide", """
                @Network(input = {1, 30000, 30000})
                class Wide {
                    @Conv(filters = 64, kernel = 3, padding = 1) Layer conv;
                    @Dense(units = 10) Layer logits;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/TensorTooLarge] conv").inFile(src).onLineContaining("Layer conv");
    }

    @Test
    void twoNetworksGeneratingTheSameClassReportTheFailedWriteOnTheSecond() {
        JavaFileObject first = source("A", """
                @Network(input = {1, 8, 8}, generatedName = "SharedModel")
                class A {
                    @Dense(units = 2) Layer logits;
                }
                """);
        JavaFileObject second = source("B", """
                @Network(input = {1, 8, 8}, generatedName = "SharedModel")
                class B {
                    @Dense(units = 3) Layer logits;
                }
                """);
        Compilation c = Compiler.javac()
                .withProcessors(new KilnProcessor())
                .withOptions("--add-modules", "jdk.incubator.vector", "-Xlint:-incubating")
                .compile(first, second);
        assertThat(c).hadErrorContaining("[Kiln/WriteFailed] could not write the model of");
    }
}
