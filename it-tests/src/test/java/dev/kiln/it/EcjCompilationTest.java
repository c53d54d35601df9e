package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.processor.KilnProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.eclipse.jdt.internal.compiler.tool.EclipseCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eclipse's compiler (ECJ), which the IDE runs as users type, runs the processor with the same
 * result as javac: the same Kiln errors and warnings, by key, on the same lines, and
 * {@code @SuppressWarnings("kiln-floor")} on a field is seen by both.
 */
class EcjCompilationTest {

    private static final Pattern KEY = Pattern.compile("\\[Kiln/(\\w+)]");

    private static final String VALID = """
            package ecj;
            import dev.kiln.dsl.*;
            @Network(input = {1, 28, 28})
            class Valid {
                @Conv(filters = 8, kernel = 3, mode = Padding.VALID, activation = Activation.RELU) Layer conv;
                @SuppressWarnings("kiln-floor") @MaxPool(size = 3) Layer pool;
                @Dense(units = 10) Layer logits;
            }
            """;

    private static final String INVALID = """
            package ecj;
            import dev.kiln.dsl.*;
            @Network(input = {1, 32, 32})
            class Invalid {
                @Conv(filters = 16, kernel = 4, stride = 3) Layer conv1;
                @Conv(filters = 0, kernel = 3) @MaxPool(size = 2) Layer twice;
                Layer bare;
                @Dropout(1.5) Layer drop;
                @Dense(units = 10) Layer logits;
            }
            @Network(input = {1, 11, 11})
            class Warned {
                @MaxPool(size = 2) Layer pool;
                @Dense(units = 10, stddev = 0.1) Layer logits;
            }
            """;

    /** One Kiln diagnostic reduced to what both compilers must agree on. */
    record Finding(Diagnostic.Kind kind, String key, long line) {}

    @TempDir
    Path dir;

    @Test
    void validNetworkCompilesCleanlyUnderBoth() throws IOException {
        List<Finding> ecj = compile(new EclipseCompiler(), "Valid", VALID);
        List<Finding> javac = compile(ToolProvider.getSystemJavaCompiler(), "Valid", VALID);
        assertEquals(List.of(), javac);
        assertEquals(javac, ecj);
    }

    @Test
    void invalidNetworksGetTheSameKeysOnTheSameLines() throws IOException {
        List<Finding> ecj = compile(new EclipseCompiler(), "Invalid", INVALID);
        List<Finding> javac = compile(ToolProvider.getSystemJavaCompiler(), "Invalid", INVALID);
        assertEquals(List.of(
                new Finding(Diagnostic.Kind.ERROR, "FractionalOutput", 5),
                new Finding(Diagnostic.Kind.ERROR, "NotPositive", 6),
                new Finding(Diagnostic.Kind.ERROR, "TwoLayerAnnotations", 6),
                new Finding(Diagnostic.Kind.ERROR, "MissingLayerAnnotation", 7),
                new Finding(Diagnostic.Kind.ERROR, "DropoutRate", 8),
                new Finding(Diagnostic.Kind.WARNING, "DroppedInput", 13),
                new Finding(Diagnostic.Kind.ERROR, "StddevWithoutNormal", 14)), javac);
        assertEquals(javac, ecj);
    }

    /** The Kiln findings of one compilation, sorted by line, then kind and key. */
    private List<Finding> compile(JavaCompiler compiler, String name, String source) throws IOException {
        Path file = dir.resolve(compiler.getClass().getSimpleName()).resolve("ecj").resolve(name + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        DiagnosticCollector<JavaFileObject> collector = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(collector, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<String> options = List.of("-source", "21", "-target", "21", "-proc:only", "-Akiln.generate=false",
                    "-classpath", System.getProperty("java.class.path"));
            // A writer of its own keeps ECJ from printing its report on stdout.
            JavaCompiler.CompilationTask task = compiler.getTask(new java.io.StringWriter(), files, collector, options, null,
                    files.getJavaFileObjects(file));
            task.setProcessors(List.of(new KilnProcessor()));
            task.call();
        }
        List<Finding> findings = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : collector.getDiagnostics()) {
            String message = d.getMessage(Locale.ROOT);
            assertFalse(message.contains("[Kiln/InternalError]"), message);
            Matcher key = KEY.matcher(message);
            if (key.find()) {
                findings.add(new Finding(d.getKind() == Diagnostic.Kind.MANDATORY_WARNING ? Diagnostic.Kind.WARNING
                        : d.getKind(), key.group(1), d.getLineNumber()));
            }
        }
        findings.sort(java.util.Comparator.comparingLong(Finding::line).thenComparing(f -> f.kind().name())
                .thenComparing(Finding::key));
        assertTrue(findings.stream().allMatch(f -> f.line() > 0), () -> compiler + " lost positions: " + findings);
        return findings;
    }
}
