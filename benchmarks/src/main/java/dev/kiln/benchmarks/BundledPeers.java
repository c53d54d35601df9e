package dev.kiln.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The benchmark's measures that are not Java, carried by the repository in
 * {@code benchmarks/src/main/peer/} and packaged beside these classes: the PyTorch peer script and
 * the FMA peak program. Programs outside the JVM need real files, so each is copied once per run
 * into a temporary folder that is removed when the JVM exits.
 */
final class BundledPeers {
    static final String PYTORCH_PEER = "kiln_peer.py";
    static final String PEAK_SOURCE = "peak.c";
    private static final String RESOURCE_FOLDER = "peer/";

    private static Path folder;

    private BundledPeers() {}

    /** The named file as a real file, copied out of the class path on first use. */
    static synchronized Path file(String name) {
        try {
            if (folder == null) {
                folder = Files.createTempDirectory("kiln-peers");
                folder.toFile().deleteOnExit();
            }
            Path target = folder.resolve(name);
            if (!Files.exists(target)) {
                try (InputStream in = BundledPeers.class.getResourceAsStream(RESOURCE_FOLDER + name)) {
                    if (in == null) {
                        throw new IllegalStateException(name + " is missing from the class path (dev/kiln/benchmarks/"
                                + RESOURCE_FOLDER + "); rebuild the benchmarks module (./kiln build)");
                    }
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                target.toFile().deleteOnExit();
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + name + " to a temporary folder", e);
        }
    }
}
