package dev.kiln.reports;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        return write(file, temporary -> {
            if (!ImageIO.write(image, "png", temporary.toFile())) {
                throw new IOException("no PNG writer for this image");
            }
        });
    }

    static Path text(String text, Path file) {
        return write(file, temporary -> Files.writeString(temporary, text, StandardCharsets.UTF_8));
    }

    private interface Writer {
        void write(Path temporary) throws IOException;
    }

    private static Path write(Path file, Writer writer) {
        Path temporary = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            // Not createTempFile: its owner-only permissions would stay with the report after the move.
            temporary = Files.createFile(parent.resolve("." + file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp"));
            writer.write(temporary);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new UncheckedIOException("cannot write " + file + ": " + reason(e), e);
        }
    }

    private static void deleteQuietly(Path temporary) {
        if (temporary != null) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the write already failed; that is the error to report
            }
        }
    }

    /** An exception's message, or its type when it has none (AccessDeniedException carries only the path). */
    private static String reason(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
