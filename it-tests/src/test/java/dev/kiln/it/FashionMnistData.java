package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.data.TrainAndTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real Fashion-MNIST files, from Debian's dataset-fashion-mnist (which ./kiln test installs). */
final class FashionMnistData {
    static final Path DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    private static TrainAndTest cached;

    private FashionMnistData() {}

    static synchronized TrainAndTest load() throws IOException {
        if (cached == null) {
            assertTrue(Files.isDirectory(DIRECTORY), DIRECTORY + " is missing: install it with "
                    + "'apt-get install dataset-fashion-mnist' (./kiln test does this when run as root)");
            cached = MnistFormat.load(DIRECTORY, MnistFormat.FASHION_MNIST);
        }
        return cached;
    }
}
