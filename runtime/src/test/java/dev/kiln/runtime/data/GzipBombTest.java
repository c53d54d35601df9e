package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gzip bomb: a gzip file of about 250 KB holding a true IDX file of 256 MB (65,536
 * images of 64x64, all zero). It is refused from its header, by the compression-ratio limit, before
 * anything is decompressed into memory.
 */
class GzipBombTest {
    @TempDir static Path dir;
    private static Path bomb;

    @BeforeAll
    static void writeBomb() throws IOException {
        bomb = dir.resolve("bomb-images-idx3-ubyte.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb), 1 << 16)) {
            out.write(ByteBuffer.allocate(16).putInt(0x803).putInt(65_536).putInt(64).putInt(64).array());
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) {
                out.write(zeros);
            }
        }
    }

    private static long allocatedBy(ThrowingRunnable action) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        action.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aGzipBombIsRefusedBeforeDecompressing() throws Exception {
        long size = Files.size(bomb);
        assertTrue(size < 300_000, "the bomb is " + size + " bytes");
        DataTooLargeException[] refused = new DataTooLargeException[1];
        IdxReader.readLabels(Files.write(dir.resolve("labels"), IdxFiles.labels(1, 2))); // loads the reader's classes

        long allocated = allocatedBy(() -> refused[0] = assertThrows(DataTooLargeException.class,
                () -> IdxReader.readImages(bomb)));

        assertEquals(bomb + ": header claims 65536 images of 64x64 (268435456 bytes) from a gzip file of " + size
                + " bytes would expand it " + 268435456L / size + " times, more than the limit of 100"
                + " (Limits.maxCompressionRatio: image data expands 1-10 times, a gzip bomb about 1000)", refused[0].getMessage());
        assertTrue(allocated < 4 << 20, "refusing allocated " + allocated + " bytes");
    }

    @Test
    void withAHigherRatioTheByteLimitStillRefusesItBeforeAllocating() throws Exception {
        Limits limits = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE).withMaxCompressionRatio(1032).withMaxBytes(64 << 20);

        long allocated = allocatedBy(() -> {
            DataTooLargeException e = assertThrows(DataTooLargeException.class,
                    () -> IdxReader.read(bomb, 3, "images", Integer.MAX_VALUE, limits));
            assertEquals(bomb + ": 65536 images of 64x64 take 268435456 bytes, more than the limit of 67108864"
                    + " (Limits.maxBytes)", e.getMessage());
        });

        assertTrue(allocated < 4 << 20, "refusing allocated " + allocated + " bytes");
    }

    @Test
    void mnistFormatPassesItsLimitsToTheReader() throws Exception {
        Files.copy(bomb, dir.resolve(MnistFormat.TEST_IMAGES), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(dir.resolve(MnistFormat.TRAIN_IMAGES), IdxFiles.gzip(IdxFiles.images(2, 64, 64)));
        Files.write(dir.resolve(MnistFormat.TRAIN_LABELS), IdxFiles.gzip(IdxFiles.labels(1, 2)));
        Files.write(dir.resolve(MnistFormat.TEST_LABELS), IdxFiles.gzip(IdxFiles.labels(1, 2)));

        DataTooLargeException e = assertThrows(DataTooLargeException.class,
                () -> MnistFormat.load(dir, MnistFormat.FASHION_MNIST, new Limits(10, 10)));

        assertTrue(e.getMessage().startsWith(dir.resolve(MnistFormat.TEST_IMAGES) + ": header claims 65536 images"),
                e.getMessage());
    }
}
