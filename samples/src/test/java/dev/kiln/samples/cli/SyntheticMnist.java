package dev.kiln.samples.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A folder of the four (uncompressed) IDX files of an MNIST-like set with random pixels, for quick command tests. */
final class SyntheticMnist {
    private SyntheticMnist() {}

    static Path write(Path folder, int trainCount, int testCount) throws IOException {
        Files.createDirectories(folder);
        SplittableRandom random = new SplittableRandom(42);
        writeSet(folder, "train", trainCount, random);
        writeSet(folder, "t10k", testCount, random);
        return folder;
    }

    private static void writeSet(Path folder, String prefix, int count, SplittableRandom random) throws IOException {
        ByteBuffer images = ByteBuffer.allocate(16 + count * 28 * 28).putInt(0x803).putInt(count).putInt(28).putInt(28);
        ByteBuffer labels = ByteBuffer.allocate(8 + count).putInt(0x801).putInt(count);
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < 28 * 28; p++) {
                images.put((byte) random.nextInt(256));
            }
            labels.put((byte) (i % 10));
        }
        Files.write(folder.resolve(prefix + "-images-idx3-ubyte"), images.array());
        Files.write(folder.resolve(prefix + "-labels-idx1-ubyte"), labels.array());
    }
}
