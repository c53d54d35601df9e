package dev.kiln.runtime.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.management.ObjectName;

/**
 * Keeps the Vector API kernels away from the C1 compiler. C1 cannot compile the large kernels
 * ("out of virtual registers"); a kernel that tiered compilation sends to C1 first can stay there,
 * 60-180x slower and allocating, for seconds (VECTOR-NOTES, "C1 trap"). The shipped directives
 * file {@value #RESOURCE} excludes those classes from C1, so they run interpreted until C2
 * compiles them. The launcher passes it with {@code -XX:CompilerDirectivesFile}; for a JVM started
 * without it, {@link #install()} adds the same directives at run time through the HotSpot
 * diagnostic command {@code Compiler.directives_add}, before any kernel has run.
 */
final class CompilerDirectives {

    static final String RESOURCE = "/dev/kiln/runtime/compiler-directives.json";
    /** Set to {@code false} to skip the run-time installation. */
    static final String PROPERTY = "kiln.directives";

    private CompilerDirectives() {
    }

    /** Adds the directives to this JVM; returns whether it did. Never throws. */
    static boolean install() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY)) || passedOnCommandLine()) {
            return false;
        }
        try (InputStream in = CompilerDirectives.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return false;
            }
            Path file = Files.createTempFile("kiln-directives", ".json");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                Object added = ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "compilerDirectivesAdd",
                        new Object[] {new String[] {file.toString()}},
                        new String[] {String[].class.getName()});
                // The command reports "1 compiler directives added" or a parse error as text.
                return String.valueOf(added).contains("added");
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException | LinkageError | javax.management.JMException e) {
            return false;                   // no management support: kernels still work, warm-up is slower
        }
    }

    private static boolean passedOnCommandLine() {
        try {
            return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .anyMatch(a -> a.startsWith("-XX:CompilerDirectivesFile"));
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
