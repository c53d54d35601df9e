package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.model.DropoutMask;
import dev.kiln.runtime.optim.Adam;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        String directives = ShippedDirectives.text();
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

    /**
     * The directives file's format has no way to share settings between directives, so the kernels'
     * inline rules are written once per directive that matches kernel classes (the one compiled in
     * the background and the one compiled synchronously): a rule changed in one only would hold for
     * half of the kernels.
     */
    @Test
    void everyKernelDirectiveHasTheSameInlineRules() throws IOException {
        String directives = ShippedDirectives.text();
        List<String> rules = new ArrayList<>();
        Matcher inline = Pattern.compile("\"inline\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(directives);
        while (inline.find()) {
            rules.add(inline.group(1).replaceAll("\\s+", ""));
        }
        assertTrue(rules.size() >= 2, "inline rules in " + rules.size() + " directives");
        assertEquals(1, rules.stream().distinct().count(), "the directives' inline rules differ: " + rules);
    }

    private static boolean usesVectorApi(Path classFile) {
        try {
            return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1).contains("jdk/incubator/vector/");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
