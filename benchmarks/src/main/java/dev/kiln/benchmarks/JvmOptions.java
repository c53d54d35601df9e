package dev.kiln.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The launcher's JVM options, read from {@code jvm.options} at the repository root (one option a
 * line, {@code #} comments, {@code ${KILN_HOME}} for the root), so that child JVMs started by the
 * start-up benchmark and its test run exactly as {@code ./kiln} does.
 */
public final class JvmOptions {
    public static final String FILE = "jvm.options";
    private static final String HOME = "${KILN_HOME}";

    private JvmOptions() {}

    public static List<String> read(Path root) throws IOException {
        Path file = root.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + FILE + " in " + root.toAbsolutePath() + " (run from the Kiln repository, or set -D" + Repository.PROPERTY + ")");
        }
        return parse(Files.readAllLines(file), root.toAbsolutePath().normalize());
    }

    /** The options in these lines of a {@code jvm.options} file, {@code ${KILN_HOME}} read as root. */
    public static List<String> parse(List<String> lines, Path root) {
        return lines.stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.replace(HOME, root.toString()))
                .toList();
    }
}
