package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kernels use vectors of one shape, {@link VectorTiles#S}'s. A second float species in the
 * JVM shares the Vector API's call-site profiles with the first, and C2 then compiles the kernels
 * of both with calls into the API's Java fallback, which allocates at every operation: on
 * AVX-512, 8-lane vectors in one Winograd transform made every training step allocate 129 MB and
 * run at half speed. The trap only shows where the preferred shape is not the other one, so this
 * reads the compiled classes for species of a fixed shape, which a machine of any width catches.
 */
class OneVectorShapeTest {
    /** A species constant or factory that names a shape of its own. */
    private static final Pattern FIXED_SHAPE = Pattern.compile(
            "SPECIES_(64|128|256|512|MAX)|S_(64|128|256|512|Max)_BIT|withShape|ofLargestShape");

    @Test
    void kernelsNameNoVectorShapeButThePreferred() throws IOException, URISyntaxException {
        Path dir = Path.of(VectorKernels.class.getResource("VectorKernels.class").toURI()).getParent();
        List<String> offenders;
        List<Path> classes;
        try (Stream<Path> files = Files.list(dir)) {
            classes = files.filter(f -> f.toString().endsWith(".class")).toList();
        }
        assertFalse(classes.isEmpty(), "no classes in " + dir);
        offenders = classes.stream()
                .map(f -> {
                    Matcher m = FIXED_SHAPE.matcher(constants(f));
                    return m.find() ? f.getFileName() + " (" + m.group() + ")" : null;
                })
                .filter(s -> s != null).sorted().toList();
        assertEquals(List.of(), offenders, "kernel classes that name a vector shape of their own");
    }

    private static String constants(Path classFile) {
        try {
            return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
