package dev.kiln.runtime.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.management.ObjectName;

/**
 * Gets the Vector API kernels to C2 quickly. Until C2 compiles a kernel it runs in the interpreter
 * (or in C1), where every vector operation goes through the Vector API's Java fallback, ~100x
 * slower and allocating (the "C1 trap"). The shipped directives file {@value #RESOURCE}:
 * <ul>
 * <li>excludes the kernel classes from C1, which cannot compile the large kernels ("out of virtual
 * registers") and would leave them slow for seconds;
 * <li>makes each kernel's C2 compilation synchronous ({@code BackgroundCompilation: false}): the
 * thread that triggered it waits the few tens of milliseconds instead of going on interpreting,
 * without slowing the rest of the program as a global {@code -Xbatch} did (data loading took
 * 0.3-0.7 s longer under it);
 * <li>except for the methods of the first directive, which run no vector operation themselves
 * (the kernels' entry points and the loops that call the tiles and transforms): the interpreter
 * runs those at little cost while C2 compiles them in the background, where waiting stopped a
 * training step, and its other threads at the next barrier, with a core left idle. With a few
 * examples first in the warm-up as well ({@code KernelWarmUp}), {@code kiln train keras-mnist
 * --epochs 1 --fresh} took 0.17 s less on the mean of 20 pairs run in turns, less in 13 (Zen 5,
 * 2 threads); without a warm-up, keras-mnist's first 10 steps took 987 ms instead of 1201 and
 * tf-mnist's 1822 instead of 2022 ({@code kiln startup}). BackgroundCompiledDriversTest keeps
 * vector operations out of those methods;
 * <li>keeps C2 from compiling the Vector API's fallback classes on their own: only interpreted
 * kernels call them, and compiling them cost about 0.4 s of C2 time in the first steps. Compiled
 * kernels still inline them, which steady-state speed and its zero allocation confirm;
 * <li>keeps {@code TileLoops.sumPixels} out of its callers' compilations. Inlined at the end of
 * the dense weight gradient (then {@code VectorDense.backwardWeights}), its vector loads and adds
 * were sometimes left as calls to the Java fallback (boxing, 798,720 bytes a tf-mnist step, for
 * the whole run): about one fresh JVM in eight when the kernels compile early from a thin
 * profile, as {@code jvm.options} makes them. Compiled on its own it was intrinsified in every
 * one of 80 runs.
 * </ul>
 * The launcher passes the file with {@code -XX:CompilerDirectivesFile} (see {@code jvm.options});
 * for a JVM started without it, {@link #install()} adds the same directives at run time through
 * the HotSpot diagnostic command {@code Compiler.directives_add}, before any kernel has run.
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
