package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.kiln.processor.ProcessorCompiler.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The seed networks: the sample classes of sections 1-6 and 8 with their summary totals, and the
 * shape exercises of section 7, through javac and the processor.
 */
class SeedNetworksTest {

    private static final Path SEED_NETWORKS = Path.of("..", "networks", "src", "main", "java", "dev", "kiln", "networks");

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "TfMnist;      3,274,634;   3,274,634",
        "KerasMnist;   34,826;      34,826",
        "PytorchMnist; 31,626;      31,626",
        "Tf1636;       242,062;     242,062",
        "LenetLike;    1,379,557;   1,379,557",
        "Emotion;      2,380,679;   2,380,679",
        "Vgg19;        143,667,240; 143,667,240",
        "AlexNet;      58,289,538;  8,194",
    })
    void sampleCompilesWithoutWarningsAndHasItsTotals(String name, String total, String trainable)
            throws MalformedURLException {
        Path file = SEED_NETWORKS.resolve(name + ".java");
        JavaFileObject source = JavaFileObjects.forResource(file.toUri().toURL());
        Compilation c = ProcessorCompiler.compile(List.of(source), true);
        assertThat(c).succeeded();
        assertThat(c).hadWarningCount(0);
        assertThat(c).hadNoteContaining("[Kiln/Summary] Network " + name + " ");
        assertThat(c).hadNoteContaining("Total params: " + total + "\n");
        assertThat(c).hadNoteContaining("Trainable params: " + trainable + "\n");
    }

    @Test
    void everySampleIsTested() throws Exception {
        try (var files = Files.list(SEED_NETWORKS)) { // the annotated classes, beside the SeedNetworks registry
            org.junit.jupiter.api.Assertions.assertEquals(8,
                    files.filter(file -> !file.getFileName().toString().equals("SeedNetworks.java")).count());
        }
    }

    // --- section 7

    /** The summary note has a row matching {@code row} (a regex, columns separated by blanks). */
    private static void assertRow(Compilation c, String row) {
        assertThat(c).succeededWithoutWarnings();
        String summary = c.notes().stream().map(d -> d.getMessage(null)).filter(m -> m.contains("[Kiln/Summary]"))
                .findFirst().orElseThrow();
        org.junit.jupiter.api.Assertions.assertTrue(
                java.util.regex.Pattern.compile("(?m)^\\s*" + row + "(\\s|$)").matcher(summary).find(),
                () -> "no row " + row + " in\n" + summary);
    }

    private static Compilation summarize(String input, String layers) {
        return ProcessorCompiler.compile(List.of(source("Ex", "@Network(input = " + input + ")\nclass Ex {\n" + layers
                + "\n@Dense(units = 2) Layer out;\n}\n")), true);
    }

    @Test
    void kernel4Stride3On32IsRejectedAndPadding1Gives11() {
        Compilation bad = summarize("{1, 32, 32}", "@Conv(filters = 1, kernel = 4, stride = 3) Layer conv;");
        assertThat(bad).hadErrorCount(1);
        assertThat(bad).hadErrorContaining("(32 + 2*0 - 4)/3 + 1 = 10.33 is not an integer");
        Compilation fixed = summarize("{1, 32, 32}",
                "@Conv(filters = 1, kernel = 4, stride = 3, padding = 1) Layer conv;");
        assertRow(fixed, "conv\\s+Conv\\s+1x11x11");
    }

    @Test
    void kernel4Stride1On32Gives29() {
        assertRow(summarize("{1, 32, 32}", "@Conv(filters = 1, kernel = 4) Layer conv;"), "conv\\s+Conv\\s+1x29x29");
    }

    @Test
    void sixFiltersOf5x5x3WithPadding2Give32x32x6And456Parameters() {
        assertRow(summarize("{3, 32, 32}", "@Conv(filters = 6, kernel = 5, padding = 2) Layer conv;"),
                "conv\\s+Conv\\s+6x32x32\\s+456");
    }

    @Test
    void oneByOneConvolutionKeepsHeightAndWidth() {
        assertRow(summarize("{64, 13, 13}", "@Conv(filters = 16, kernel = 1) Layer conv;"),
                "conv\\s+Conv\\s+16x13x13\\s+1,040");
    }

    @Test
    void twoByTwoPoolsOn4x4Give2x2AndGlobalPoolingGives1x1() {
        Compilation c = summarize("{1, 4, 4}", """
                @MaxPool(size = 2) Layer max;
                @AvgPool(size = 1) Layer avg;
                @GlobalAvgPool Layer global;""");
        assertThat(c).succeededWithoutWarnings();
        assertThat(c).hadNoteContaining("max      MaxPool        1x2x2");
        assertThat(c).hadNoteContaining("avg      AvgPool        1x2x2");
        assertThat(c).hadNoteContaining("global   GlobalAvgPool  1x1x1");
    }
}
