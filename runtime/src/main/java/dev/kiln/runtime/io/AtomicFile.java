package dev.kiln.runtime.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Replaces a file all at once: the content goes to a temporary file in the same folder, is forced
 * to disk, and is renamed over the target atomically; then the folder itself is forced, so the
 * rename survives a power cut too. If writing fails, the temporary file is deleted and the target
 * is left as it was. A reader therefore sees the old file or the new one, never a mix.
 *
 * <p>A process killed while writing leaves its temporary file behind, named
 * {@code .<target name>.<digits>.tmp}; the next write of the same target deletes such files (only
 * those of that target). Two processes writing the same target at once are not supported: the
 * last rename would win anyway.
 *
 * <p>The new file gets the permissions a plain file creation gives (the process's umask), or, when
 * it replaces a file, that file's permissions: a checkpoint written by a training job stays
 * readable by the service that loads it. (A temporary file from {@code Files.createTempFile}
 * would be owner-only, and the rename would carry that over.)
 */
public final class AtomicFile {
    private static final String SUFFIX = ".tmp";

    /** Writes the content of a file to a stream (which it must not close). */
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        deleteStaleTemporaries(absolute);
        Path temporary = createTemporary(absolute);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(channel);
                writer.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        forceDirectory(directory);
    }

    /**
     * Checks now what {@link #write} needs: that {@code target} is not a folder, that its folder
     * exists or can be created, and that a file can be created there (by creating and deleting a
     * temporary file as {@code write} does).
     */
    static void checkWritable(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new IOException(absolute + " is a folder; give a file name");
        }
        Path directory = absolute.getParent();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IOException("its folder " + directory + " cannot be created (" + describe(e) + ")", e);
        }
        try {
            Files.delete(createTemporary(absolute));
        } catch (IOException e) {
            throw new IOException("no file can be created in " + directory + " (" + describe(e) + ")", e);
        }
    }

    /**
     * Creates {@code .<name>.<unsigned decimal>.tmp} beside {@code absolute}: with the target's
     * permissions when it exists, else with those of any new file.
     */
    private static Path createTemporary(Path absolute) throws IOException {
        while (true) {
            long number = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
            Path temporary = absolute.resolveSibling("." + absolute.getFileName() + "." + number + SUFFIX);
            try {
                Files.createFile(temporary);
            } catch (FileAlreadyExistsException taken) {
                continue;
            }
            copyPermissions(absolute, temporary);
            return temporary;
        }
    }

    private static void copyPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        if (source == null || !Files.isRegularFile(from)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(to, source.readAttributes().permissions());
        } catch (IOException e) {
            // The target's permissions cannot be read or set (another owner): the umask's stay.
        }
    }

    /** Deletes the temporary files of {@code absolute} that killed writes left, and nothing else. */
    private static void deleteStaleTemporaries(Path absolute) throws IOException {
        Pattern own = Pattern.compile(Pattern.quote("." + absolute.getFileName() + ".") + "[0-9]+" + Pattern.quote(SUFFIX));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(absolute.getParent(),
                file -> own.matcher(file.getFileName().toString()).matches())) {
            for (Path stale : files) {
                Files.deleteIfExists(stale);
            }
        }
    }

    /** "AccessDeniedException: /x", or the message alone when it says what happened. */
    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Makes the rename durable; some systems cannot open a folder for this, and then it is skipped. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not possible on this platform (e.g. Windows); the rename itself is still atomic.
        }
    }
}
