package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.model.DropoutMask;
import dev.kiln.runtime.optim.Adam;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every class of the runtime that uses the Vector API (kernels, model, optimizers) must be kept away from C1 by the shipped
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
        // The kernels' package, and the packages of the model and the optimizers, which hold Vector API code too.
        List<String> vectorClasses = new ArrayList<>();
        for (Class<?> member : List.of(VectorKernels.class, DropoutMask.class, Adam.class)) {
            Path dir = Path.of(member.getResource(member.getSimpleName() + ".class").toURI()).getParent();
            String folder = member.getPackageName().replace('.', '/');
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.toString().endsWith(".class"))
                        .filter(CompilerDirectivesCoverageTest::usesVectorApi)
                        .map(f -> folder + "/" + f.getFileName().toString().replaceFirst("(\\$.*)?\\.class$", ""))
                        .distinct().sorted().forEach(vectorClasses::add);
            }
        }
        assertTrue(vectorClasses.stream().anyMatch(c -> c.endsWith("/VectorKernels")), "no Vector API kernels found: " + vectorClasses);
        List<String> missing = vectorClasses.stream()
                .filter(c -> !directives.contains("\"" + c + ".*\""))
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
