package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy files written by numpy itself, and by hand byte for byte; bad ones are refused by name. */
class NpyFormatTest {
    @TempDir Path dir;

    @Test
    void uint8ImagesWithInt64LabelsFromNumpy() throws Exception {
        NumPyFiles.run(dir, """
                x = (np.arange(4 * 2 * 3) * 11 % 256).astype(np.uint8).reshape(4, 2, 3)
                np.save('x.npy', x)
                np.save('y.npy', np.array([2, 0, 1, 2], dtype=np.int64))
                """);

        Dataset data = NpyFormat.load(dir.resolve("x.npy"), dir.resolve("y.npy"));

        assertArrayEquals(new int[] {1, 2, 3}, data.exampleShape());
        assertEquals(4, data.size());
        assertEquals(3, data.classes());
        assertEquals(1, data.label(2));
        float[] third = data.image(2);
        for (int j = 0; j < 6; j++) {
            assertEquals(((12 + j) * 11 % 256) / 255f, third[j], 1e-7);
        }
    }

    @Test
    void channelsLastFloatsAreTransposedToChannelsFirst() throws Exception {
        NumPyFiles.run(dir, """
                x = np.arange(2 * 4 * 5 * 3, dtype=np.float32).reshape(2, 4, 5, 3) / 1000
                np.save('x.npy', x)
                np.save('y.npy', np.array([1, 0], dtype=np.int32))
                np.save('x_chw.npy', np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
                np.save('y8.npy', np.array([1, 0], dtype=np.uint8))
                """);

        Dataset hwc = NpyFormat.load(dir.resolve("x.npy"), dir.resolve("y.npy"));
        Dataset chw = NpyFormat.load(dir.resolve("x_chw.npy"), dir.resolve("y8.npy"));

        assertArrayEquals(new int[] {3, 4, 5}, hwc.exampleShape());
        assertArrayEquals(new int[] {3, 4, 5}, chw.exampleShape());
        // x[1, h=2, w=3, c=1] is element ((1*4 + 2)*5 + 3)*3 + 1 = 100, divided by 1000.
        assertEquals(100 / 1000f, hwc.image(1)[1 * 20 + 2 * 5 + 3], 1e-7);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(chw.image(i), hwc.image(i));
            assertEquals(chw.label(i), hwc.label(i));
        }
    }

    @Test
    void formatVersionsTwoAndThreeRead() throws Exception {
        NumPyFiles.run(dir, """
                x = np.arange(3 * 2 * 2, dtype=np.uint8).reshape(3, 1, 2, 2)
                for v in (1, 2, 3):
                    with open('x%d.npy' % v, 'wb') as f:
                        np.lib.format.write_array(f, x, version=(v, 0))
                np.save('y.npy', np.array([0, 1, 1]))
                """);
        Dataset one = NpyFormat.load(dir.resolve("x1.npy"), dir.resolve("y.npy"));
        for (int v = 2; v <= 3; v++) {
            assertEquals(v, Files.readAllBytes(dir.resolve("x" + v + ".npy"))[6]);
            Dataset other = NpyFormat.load(dir.resolve("x" + v + ".npy"), dir.resolve("y.npy"));
            assertArrayEquals(one.image(2), other.image(2), "version " + v);
        }
    }

    @Test
    void kerasNamedFolderLoadsBothSets() throws Exception {
        NumPyFiles.run(dir, """
                np.save('x_train.npy', np.zeros((6, 4, 4), dtype=np.uint8))
                np.save('y_train.npy', np.array([0, 1, 2, 3, 4, 0]))
                np.save('x_test.npy', np.zeros((2, 4, 4), dtype=np.uint8))
                np.save('y_test.npy', np.array([4, 1]))
                """);
        assertTrue(NpyFormat.looksLike(dir));

        TrainAndTest sets = NpyFormat.loadFolder(dir, new Limits(4, 5));

        assertEquals(4, sets.train().size());
        assertEquals(2, sets.test().size());
        assertEquals(5, sets.train().classes());
    }

    /** A version 1.0 file by hand: magic, version, little-endian header length, dict padded to 64 bytes, data. */
    private static byte[] npy(String descr, String fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xFF);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        return out.toByteArray();
    }

    @Test
    void aHandWrittenByteLayoutReads() throws Exception {
        byte[] pixels = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, (byte) 255};
        byte[] file = npy("|u1", "False", "(2, 2, 3)", pixels);
        assertEquals(0, (file.length - pixels.length) % 64, "numpy aligns the data to 64 bytes");
        Path x = Files.write(dir.resolve("x.npy"), file);
        Path y = Files.write(dir.resolve("y.npy"), npy("|u1", "False", "(2,)", new byte[] {1, 0}));

        Dataset data = NpyFormat.load(x, y);

        assertArrayEquals(new int[] {1, 2, 3}, data.exampleShape());
        assertEquals(2, data.classes());
        assertEquals(1, data.label(0));
        assertEquals(1f, data.image(1)[5]);
        assertEquals(60 / 255f, data.image(1)[0]);
    }

    private String error(byte[] images, byte[] labels) throws Exception {
        Path x = Files.write(dir.resolve("bad-x.npy"), images);
        Path y = Files.write(dir.resolve("bad-y.npy"), labels);
        return assertThrows(MalformedDataException.class, () -> NpyFormat.load(x, y)).getMessage();
    }

    private static final byte[] TWO_LABELS = npy("<i8", "False", "(2,)", new byte[16]);

    @Test
    void badHeadersAreNamed() throws Exception {
        Path x = dir.resolve("bad-x.npy");
        byte[] four = new byte[4];
        assertEquals(x + ": not a NumPy .npy file (it does not start with \\x93NUMPY)",
                error("PK\3\4 a zip file".getBytes(StandardCharsets.US_ASCII), TWO_LABELS));
        byte[] version9 = npy("|u1", "False", "(2, 1, 2)", four);
        version9[6] = 9;
        assertEquals(x + ": .npy format version 9.0 is not one of 1, 2 and 3", error(version9, TWO_LABELS));
        assertEquals(x + ": the array is in Fortran order (fortran_order: True); save it in C order, e.g."
                + " np.save(f, np.ascontiguousarray(a))", error(npy("|u1", "True", "(2, 1, 2)", four), TWO_LABELS));
        assertEquals(x + ": dtype '<f8' is not supported; images are uint8 ('|u1') or float32 ('<f4'), labels int64,"
                + " int32 or uint8", error(npy("<f8", "False", "(2, 1, 2)", new byte[32]), TWO_LABELS));
        assertEquals(x + ": images must be uint8 or float32, the header says '<i4'",
                error(npy("<i4", "False", "(2, 1, 2)", new byte[16]), TWO_LABELS));
        assertTrue(error(npy("|u1", "False", "(2, 3, 4, 3)", new byte[72]), TWO_LABELS)
                .startsWith(x + ": cannot tell the channels of shape (2, 3, 4, 3)"));
        byte[] noShape = new String(npy("|u1", "False", "(2, 1, 2)", four), StandardCharsets.ISO_8859_1)
                .replace("'shape'", "'shapes'").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(x + ": the .npy header must have the keys descr, fortran_order and shape; it has [descr,"
                + " fortran_order, shapes]", error(noShape, TWO_LABELS));
    }

    @Test
    void truncatedAndOversizedFilesAreRefusedBeforeAllocating() throws Exception {
        Path x = dir.resolve("bad-x.npy");
        byte[] whole = npy("|u1", "False", "(2, 8, 8)", new byte[128]);
        assertEquals(x + ": the header declares shape (2, 8, 8) of '|u1' (128 bytes), but the file holds 100 bytes after"
                + " the header (truncated)", error(Arrays.copyOf(whole, whole.length - 28), TWO_LABELS));
        // A header claiming 4 TB (about what a tiny file could ask a careless reader to allocate).
        assertEquals(x + ": the header declares shape (1000000, 2000, 2000) of '|u1' (4000000000000 bytes), but the file"
                + " holds 4 bytes after the header (truncated)", error(npy("|u1", "False", "(1000000, 2000, 2000)",
                        new byte[4]), TWO_LABELS));
        assertEquals(x + " holds 3 images but " + dir.resolve("bad-y.npy") + " holds 2 labels",
                error(npy("|u1", "False", "(3, 1, 2)", new byte[6]), TWO_LABELS));

        Path big = Files.write(dir.resolve("big.npy"), npy("|u1", "False", "(2, 8, 8)", new byte[128]));
        Path labels = Files.write(dir.resolve("labels.npy"), TWO_LABELS);
        DataTooLargeException e = assertThrows(DataTooLargeException.class,
                () -> NpyFormat.load(big, labels, 1, 2, Limits.NONE.withMaxBytes(100)));
        assertEquals(big + ": 2 images of (2, 8, 8) take 128 bytes, more than the limit of 100 (Limits.maxBytes)",
                e.getMessage());
    }

    @Test
    void labelsOutsideTheClassesAreNamed() throws Exception {
        Path y = dir.resolve("bad-y.npy");
        assertEquals(y + ": label 5 of item 1 is outside 0..1", assertThrows(MalformedDataException.class, () -> {
            Path x = Files.write(dir.resolve("x.npy"), npy("|u1", "False", "(2, 1, 1)", new byte[2]));
            Files.write(y, npy("|u1", "False", "(2,)", new byte[] {0, 5}));
            NpyFormat.load(x, y, 2, 10, Limits.NONE);
        }).getMessage());
    }
}
