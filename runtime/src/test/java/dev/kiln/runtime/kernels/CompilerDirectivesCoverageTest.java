package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every class of this package that uses the Vector API must be kept away from C1 by the shipped
 * directives (the C1 trap, see CompilerDirectives): a kernel class added without its line there would
 * run interpreted or in C1, allocating, for seconds of every run.
 */
class CompilerDirectivesCoverageTest {

    @Test
    void everyVectorApiClassIsExcludedFromC1() throws IOException, URISyntaxException {
        String directives;
        try (InputStream in = CompilerDirectives.class.getResourceAsStream(CompilerDirectives.RESOURCE)) {
            directives = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path dir = Path.of(VectorKernels.class.getResource("VectorKernels.class").toURI()).getParent();
        List<String> vectorClasses;
        try (Stream<Path> files = Files.list(dir)) {
            vectorClasses = files.filter(f -> f.toString().endsWith(".class"))
                    .filter(CompilerDirectivesCoverageTest::usesVectorApi)
                    .map(f -> f.getFileName().toString().replaceFirst("(\\$.*)?\\.class$", ""))
                    .distinct().sorted().toList();
        }
        assertFalse(vectorClasses.isEmpty(), "no Vector API classes found in " + dir);
        List<String> missing = vectorClasses.stream()
                .filter(c -> !directives.contains("\"dev/kiln/runtime/kernels/" + c + ".*\""))
                .toList();
        assertEquals(List.of(), missing, "classes using jdk.incubator.vector missing from " + CompilerDirectives.RESOURCE);
    }

    private static boolean usesVectorApi(Path classFile) {
        try {
            return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1).contains("jdk/incubator/vector/");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
