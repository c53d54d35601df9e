package dev.kiln.benchmarks;

import java.nio.file.Path;

/** The Kiln repository the commands run from: {@code -Dkiln.home}, which the launcher sets, else the working folder. */
public final class Repository {
    public static final String PROPERTY = "kiln.home";

    private Repository() {}

    public static Path root() {
        return Path.of(System.getProperty(PROPERTY, "."));
    }
}
