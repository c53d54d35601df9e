package dev.kiln.processor.read;

import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.kiln.processor.check.SafetensorsHeader;
import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Message;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.TypeElement;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Finds the file named by {@code @Network(weights = ...)} and reads its safetensors header: the
 * 8-byte little-endian length and that many bytes of JSON, never the tensors. Looked for as
 * {@link Class#getResource} would find it (relative to the class's package on the class path,
 * then the source path), then beside the source file. Every failure is a diagnostic on the
 * annotation's {@code weights} value, never an exception.
 */
public final class WeightsFileReader {

    /** The parsed header, or the diagnostic that says why there is none. */
    public sealed interface Result {}

    public record Header(Map<String, Object> json) implements Result {}

    public record Problem(Diagnostic diagnostic) implements Result {}

    private final ProcessingEnvironment env;

    public WeightsFileReader(ProcessingEnvironment env) {
        this.env = env;
    }

    public Result read(TypeElement type, String name) {
        String pkg = env.getElementUtils().getPackageOf(type).getQualifiedName().toString();
        for (StandardLocation location : List.of(StandardLocation.CLASS_PATH, StandardLocation.SOURCE_PATH)) {
            FileObject file;
            try {
                file = env.getFiler().getResource(location, pkg, name);
            } catch (IOException | IllegalArgumentException | IllegalStateException notThere) {
                continue; // javac says "not found" with FileNotFoundException, a name it refuses with IAE
            }
            try (InputStream in = file.openInputStream()) {
                return header(in, name);
            } catch (FileNotFoundException | NoSuchFileException notThere) {
                // Some file managers hand out a FileObject for a name that is not there.
            } catch (IOException e) {
                return problem(Message.WEIGHTS_FILE_UNREADABLE, name, e.toString());
            }
        }
        Path beside = besideSource(type, name);
        if (beside != null && Files.isRegularFile(beside)) {
            try (InputStream in = Files.newInputStream(beside)) {
                return header(in, name);
            } catch (IOException e) {
                return problem(Message.WEIGHTS_FILE_UNREADABLE, name, e.toString());
            }
        }
        String where = "in package " + (pkg.isEmpty() ? "(unnamed)" : pkg) + " on the class path and the source path"
                + (beside == null ? "" : ", and at " + beside);
        return problem(Message.WEIGHTS_FILE_NOT_FOUND, name, where);
    }

    /** The file {@code name} in the directory of the class's source file, or null if that is not a file. */
    private Path besideSource(TypeElement type, String name) {
        try {
            TreePath path = Trees.instance(env).getPath(type);
            URI source = path == null ? null : path.getCompilationUnit().getSourceFile().toUri();
            if (source == null || !"file".equals(source.getScheme())) {
                return null;
            }
            return Path.of(source).resolveSibling(name).normalize();
        } catch (RuntimeException notJavacOrBadName) {
            return null; // Trees works only inside javac; Path.of refuses some names
        }
    }

    /** Reads the length and the JSON; the length is checked before anything is allocated from it. */
    static Result header(InputStream in, String name) throws IOException {
        byte[] lengthBytes = in.readNBytes(8);
        if (lengthBytes.length < 8) {
            return problem(Message.WEIGHTS_HEADER_CORRUPT, name, "it has " + lengthBytes.length
                    + " bytes, fewer than the 8 of the header length");
        }
        long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (length < 0 || length > SafetensorsHeader.MAX_HEADER_BYTES) {
            return problem(Message.WEIGHTS_HEADER_CORRUPT, name, "the header length " + Long.toUnsignedString(length)
                    + " is over the limit of " + SafetensorsHeader.MAX_HEADER_BYTES + " bytes");
        }
        // readNBytes grows its buffer as bytes arrive, so a length past the end costs only the file.
        byte[] json = in.readNBytes((int) length);
        if (json.length < length) {
            return problem(Message.WEIGHTS_HEADER_CORRUPT, name, "the header length " + length
                    + " runs past the end of the file, which has " + json.length + " bytes after it");
        }
        try {
            return new Header(SafetensorsHeader.parse(json));
        } catch (SafetensorsHeader.Malformed e) {
            return problem(Message.WEIGHTS_HEADER_CORRUPT, name, e.getMessage());
        }
    }

    private static Problem problem(Message message, String name, String why) {
        return new Problem(Diagnostic.of(message, Diagnostic.NETWORK, "weights", List.of(), name, why));
    }
}
