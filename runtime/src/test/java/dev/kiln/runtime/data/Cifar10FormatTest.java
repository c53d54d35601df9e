package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10 binary batches written here record by record, as the published files lay them out. */
class Cifar10FormatTest {
    @TempDir Path dir;

    /** {@code count} records; record i has label i % 10 and pixel j the value (i + 3 j) % 256. */
    private static byte[] batch(int first, int count) {
        byte[] bytes = new byte[count * Cifar10Format.RECORD];
        for (int r = 0; r < count; r++) {
            int i = first + r;
            bytes[r * Cifar10Format.RECORD] = (byte) (i % 10);
            for (int j = 0; j < 3072; j++) {
                bytes[r * Cifar10Format.RECORD + 1 + j] = (byte) (i + 3 * j);
            }
        }
        return bytes;
    }

    private Path writeCifar(Path folder, int perBatch, int batches, int test) throws IOException {
        Files.createDirectories(folder);
        for (int b = 1; b <= batches; b++) {
            Files.write(folder.resolve("data_batch_" + b + ".bin"), batch((b - 1) * perBatch, perBatch));
        }
        Files.write(folder.resolve("test_batch.bin"), batch(100_000, test));
        return folder;
    }

    @Test
    void batchesReadInOrderWithTheirNames() throws Exception {
        Path folder = writeCifar(dir.resolve(Cifar10Format.ARCHIVE_FOLDER), 7, 5, 4);
        Files.writeString(folder.resolve("batches.meta.txt"), String.join("\n", Cifar10Format.CLASS_NAMES) + "\n\n");

        TrainAndTest sets = Cifar10Format.load(dir); // the archive's parent folder

        assertTrue(Cifar10Format.looksLike(dir));
        assertEquals(Cifar10Format.CLASS_NAMES, sets.classNames());
        assertEquals(35, sets.train().size());
        assertEquals(4, sets.test().size());
        Dataset train = sets.train();
        assertEquals(3, train.channels());
        assertEquals(23 % 10, train.label(23));
        float[] image = train.image(23); // red plane first, then green, then blue
        assertEquals(((23 + 3 * 5) & 0xFF) / 255f, image[5]);
        assertEquals(((23 + 3 * (1024 + 40)) & 0xFF) / 255f, image[1024 + 40]);
        assertEquals(((100_002 + 3 * 3071) & 0xFF) / 255f, sets.test().image(2)[3071]);
    }

    @Test
    void limitsKeepTheFirstRecordsAndOtherNamesAreRead() throws Exception {
        writeCifar(dir, 10, 2, 10);
        Files.writeString(dir.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");

        TrainAndTest sets = Cifar10Format.load(dir, new Limits(13, 2));

        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), sets.classNames());
        assertEquals(13, sets.train().size());
        assertEquals(2, sets.train().label(12));
        assertEquals(2, sets.test().size());
    }

    @Test
    void aFileThatIsNotWholeRecordsIsNamed() throws Exception {
        writeCifar(dir, 3, 1, 2);
        Path cut = dir.resolve("data_batch_1.bin");
        Files.write(cut, Arrays.copyOf(batch(0, 3), 3 * Cifar10Format.RECORD - 100));

        MalformedDataException e = assertThrows(MalformedDataException.class, () -> Cifar10Format.load(dir));

        assertEquals(cut + ": 9119 bytes is not a whole number of CIFAR-10 records of 3073 bytes (1 label + 3x32x32"
                + " pixels); it holds 2 and 2973 bytes more (truncated or not CIFAR-10)", e.getMessage());
    }

    @Test
    void aLabelOutsideTheClassesIsNamed() throws Exception {
        writeCifar(dir, 3, 1, 2);
        byte[] bad = batch(0, 3);
        bad[2 * Cifar10Format.RECORD] = 10;
        Path file = Files.write(dir.resolve("data_batch_1.bin"), bad);

        MalformedDataException e = assertThrows(MalformedDataException.class, () -> Cifar10Format.load(dir));

        assertEquals(file + ": record 2 has label 10, outside 0..9", e.getMessage());
    }

    @Test
    void aFolderWithoutTheBatchesIsNamed() throws Exception {
        Files.writeString(dir.resolve("readme.txt"), "x");
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> Cifar10Format.load(dir));
        assertEquals(dir + ": not CIFAR-10's binary version: it needs data_batch_1.bin (to data_batch_5.bin) and"
                + " test_batch.bin, and holds [readme.txt]", e.getMessage());
    }

    /**
     * The pixels stay bytes: loading 5,000 images (15 MB of files) allocates about the files' size,
     * not the 4x that floats would take.
     */
    @Test
    void loadingCostsAboutTheFileSize() throws Exception {
        writeCifar(dir, 1000, 5, 1000);
        long files = 6000L * Cifar10Format.RECORD;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Cifar10Format.load(dir, new Limits(10, 10)); // loads the classes of this test's code paths first

        long before = threads.getCurrentThreadAllocatedBytes();
        TrainAndTest sets = Cifar10Format.load(dir);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(5000, sets.train().size());
        System.out.printf("CIFAR-10 layout, %,d bytes of files: loading allocated %,d bytes (%.3f x)%n", files, allocated,
                (double) allocated / files);
        assertTrue(allocated < files * 1.05 + (1 << 20), "allocated " + allocated + " bytes for " + files + " bytes of files");
    }
}
