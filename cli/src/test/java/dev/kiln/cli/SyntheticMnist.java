package dev.kiln.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A folder of the four (uncompressed) IDX files of an MNIST-like set with random pixels, for quick command tests. */
final class SyntheticMnist {
    private SyntheticMnist() {}

    static Path write(Path folder, int trainCount, int testCount) throws IOException {
        return write(folder, trainCount, testCount, 28);
    }

    /** The same with {@code side x side} images, e.g. of the wrong size for the 28x28 networks. */
    static Path write(Path folder, int trainCount, int testCount, int side) throws IOException {
        Files.createDirectories(folder);
        SplittableRandom random = new SplittableRandom(42);
        writeSet(folder, "train", trainCount, side, random);
        writeSet(folder, "t10k", testCount, side, random);
        return folder;
    }

    private static void writeSet(Path folder, String prefix, int count, int side, SplittableRandom random) throws IOException {
        ByteBuffer images = ByteBuffer.allocate(16 + count * side * side).putInt(0x803).putInt(count).putInt(side).putInt(side);
        ByteBuffer labels = ByteBuffer.allocate(8 + count).putInt(0x801).putInt(count);
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < side * side; p++) {
                images.put((byte) random.nextInt(256));
            }
            labels.put((byte) (i % 10));
        }
        Files.write(folder.resolve(prefix + "-images-idx3-ubyte"), images.array());
        Files.write(folder.resolve(prefix + "-labels-idx1-ubyte"), labels.array());
    }
}
