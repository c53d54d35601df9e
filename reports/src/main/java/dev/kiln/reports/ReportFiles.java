package dev.kiln.reports;

import dev.kiln.runtime.io.AtomicFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The report directory and the files written into it. Each file is written beside its final name
 * and moved over it, so a reader (or a report interrupted half-way) never finds half a PNG.
 */
final class ReportFiles {
    private ReportFiles() {}

    /** Creates {@code directory} when missing; fails, naming it, when it cannot hold the report. */
    static Path directory(Path directory) {
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new IllegalArgumentException("cannot write the report into " + directory + ": it is a file, not a directory");
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create the report directory " + directory + ": " + reason(e), e);
        }
        if (!Files.isWritable(directory)) {
            throw new IllegalArgumentException("cannot write the report into " + directory + ": the directory is not writable");
        }
        return directory;
    }

    static Path png(BufferedImage image, Path file) {
        return write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer for this image");
            }
        });
    }

    static Path text(String text, Path file) {
        return write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The runtime's atomic replacement: written beside the name, forced to disk, moved over it. */
    private static Path write(Path file, AtomicFile.Writer writer) {
        try {
            AtomicFile.write(file, writer);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + reason(e), e);
        }
    }

    /** An exception's message, or its type when it has none (AccessDeniedException carries only the path). */
    private static String reason(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
