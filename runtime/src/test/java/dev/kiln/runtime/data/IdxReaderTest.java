package dev.kiln.runtime.data;

import static dev.kiln.runtime.data.IdxFiles.gzip;
import static dev.kiln.runtime.data.IdxFiles.idx;
import static dev.kiln.runtime.data.IdxFiles.images;
import static dev.kiln.runtime.data.IdxFiles.labels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private String rejection(String name, byte[] content, boolean asImages) throws IOException {
        Path file = write(name, content);
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> { if (asImages) IdxReader.readImages(file); else IdxReader.readLabels(file); });
        assertTrue(e.getMessage().startsWith(file.toString() + ": ") || e.getMessage().startsWith(file.toString() + " "),
                () -> "message does not start with the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void readsRawAndGzipAlike() throws IOException {
        byte[] raw = images(3, 4, 5);
        IdxArray plain = IdxReader.readImages(write("a-idx3-ubyte", raw));
        IdxArray packed = IdxReader.readImages(write("b-idx3-ubyte.gz", gzip(raw)));
        assertArrayEquals(new int[] {3, 4, 5}, plain.dimensions());
        assertEquals(20, plain.itemSize());
        assertArrayEquals(Arrays.copyOfRange(raw, 16, raw.length), plain.bytes());
        assertArrayEquals(plain.bytes(), packed.bytes());
    }

    @Test
    void gzipIsRecognisedByContentNotName() throws IOException {
        IdxArray labels = IdxReader.readLabels(write("labels-without-suffix", gzip(labels(1, 2, 3))));
        assertArrayEquals(new byte[] {1, 2, 3}, labels.bytes());
    }

    @Test
    void rejectsABadMagicNumber() throws IOException {
        String message = rejection("bad-magic", idx(0x00000901, new int[] {1}, new byte[] {0}), false);
        assertTrue(message.endsWith("bad magic number 0x00000901; IDX labels start with 0x00000801 (unsigned bytes, 1 dimension)"),
                message);
    }

    @Test
    void rejectsLabelsGivenAsImages() throws IOException {
        String message = rejection("swapped", labels(1, 2), true);
        assertTrue(message.contains("bad magic number 0x00000801; IDX images start with 0x00000803"), message);
    }

    @Test
    void rejectsAFileEndingInsideTheHeader() throws IOException {
        String message = rejection("short", Arrays.copyOf(images(1, 2, 2), 10), true);
        assertTrue(message.endsWith("the file ends after 10 bytes, inside the IDX header of 16 bytes"), message);
    }

    @Test
    void rejectsAHeaderClaimingMoreThanTheRawFileHolds() throws IOException {
        byte[] lying = idx(0x803, new int[] {60000, 28, 28}, new byte[1234]);
        String message = rejection("train-images-idx3-ubyte", lying, true);
        assertTrue(message.endsWith(
                "header claims 60000 images of 28x28 (47040000 bytes) but the file holds 1234 bytes after the header"), message);
    }

    @Test
    void rejectsTrailingData() throws IOException {
        byte[] longer = idx(0x801, new int[] {2}, new byte[] {1, 2, 3});
        String message = rejection("labels", longer, false);
        assertTrue(message.endsWith("header claims 2 labels (2 bytes) but the file holds 3 bytes after the header"), message);
        String packed = rejection("labels.gz", gzip(longer), false);
        assertTrue(packed.endsWith("header claims 2 labels (2 bytes) but the file holds 3 bytes after the header"), packed);
    }

    @Test
    void rejectsAnImpossibleGzipClaimWithoutAllocatingIt() throws IOException {
        // 2^31 - 1 items of 255x255 bytes: more than any array; checked before allocating.
        byte[] huge = gzip(idx(0x803, new int[] {Integer.MAX_VALUE, 255, 255}, new byte[100]));
        String message = rejection("huge.gz", huge, true);
        assertTrue(message.contains("header claims 2147483647 images of 255x255 (139640124146175 bytes), more than one array can hold"),
                message);
        // 1 GB claimed from a file of a hundred-odd bytes: more than deflate can expand to.
        byte[] big = gzip(idx(0x803, new int[] {1 << 20, 32, 32}, new byte[100]));
        String bigMessage = rejection("big.gz", big, true);
        assertTrue(bigMessage.contains("header claims 1048576 images of 32x32 (1073741824 bytes) but a gzip file of "), bigMessage);
    }

    @Test
    void rejectsAGzipHeaderClaimingMoreThanItsDataWithBoundedMemory() throws IOException {
        // 50000 random bytes hardly compress, so the 1032:1 bound lets the claim of 47 MB pass;
        // reading then finds only what is there.
        byte[] noise = new byte[50000];
        new java.util.Random(1).nextBytes(noise);
        byte[] lying = gzip(idx(0x803, new int[] {60000, 28, 28}, noise));
        String message = rejection("train-images-idx3-ubyte.gz", lying, true);
        assertTrue(message.endsWith(
                "header claims 60000 images of 28x28 (47040000 bytes) but the file holds 50000 bytes after the header"), message);
    }

    @Test
    void rejectsATruncatedGzipFile() throws IOException {
        byte[] packed = gzip(images(50, 28, 28));
        String message = rejection("cut.gz", Arrays.copyOf(packed, packed.length / 2), true);
        assertTrue(message.contains("the gzip data is damaged or truncated"), message);
    }

    @Test
    void rejectsAGzipFileWithABadChecksum() throws IOException {
        byte[] packed = gzip(images(2, 3, 3));
        packed[packed.length - 6] ^= 1; // inside the trailer's CRC-32
        String message = rejection("crc.gz", packed, true);
        assertTrue(message.contains("the gzip data is damaged or truncated"), message);
    }

    @Test
    void rejectsAZeroSizedDimension() throws IOException {
        String message = rejection("zero", idx(0x803, new int[] {1, 0, 28}, new byte[0]), true);
        assertTrue(message.endsWith("dimension 1 of the header is 0"), message);
    }
}
