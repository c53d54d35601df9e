package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders of PNG and JPEG files written by ImageIO, in both layouts, with good and bad files. */
class ImageFolderTest {
    @TempDir Path dir;

    /** Each class has its own flat colour; image i of a class has i in its blue byte, so images differ. */
    private static final int[] CLASS_COLOUR = {0xF00000, 0x00F000, 0x0000F0};

    private void writeClass(Path folder, int label, int count, String format) throws IOException {
        Files.createDirectories(folder);
        for (int i = 0; i < count; i++) {
            int colour = CLASS_COLOUR[label] | i;
            ImageFiles.write(ImageFiles.rgb(8, 6, (x, y) -> colour), format, folder.resolve(String.format("img%03d.%s", i, format)));
        }
    }

    @Test
    void kerasLayoutGivesSortedClassesAndBothSets() throws Exception {
        writeClass(dir.resolve("train/dog"), 1, 4, "png");
        writeClass(dir.resolve("train/cat"), 0, 3, "png");
        writeClass(dir.resolve("test/dog"), 1, 2, "jpg");
        Files.writeString(dir.resolve("train/cat/notes.txt"), "ignored");
        Files.writeString(dir.resolve("train/cat/.hidden.png"), "ignored");

        TrainAndTest sets = ImageFolder.reader(3, 6, 8).read(dir);

        assertEquals(List.of("cat", "dog"), sets.classNames());
        assertEquals(7, sets.train().size());
        assertEquals(2, sets.test().size());
        // Class by class in turn: cat0 dog0 cat1 dog1 cat2 dog2 dog3.
        int[] labels = new int[7];
        for (int i = 0; i < 7; i++) {
            labels[i] = sets.train().label(i);
        }
        assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1, 1}, labels);
        float[] cat2 = sets.train().image(4);
        assertEquals(0xF0 / 255f, cat2[0], 1e-6);
        assertEquals(0f, cat2[48], 1e-6);
        assertEquals(2 / 255f, cat2[96], 1e-6);
        assertEquals(1, sets.test().label(0));
        assertEquals(0xF0, Math.round(sets.test().image(1)[48] * 255), 6, "the green of a JPEG dog");
        assertEquals(0, sets.skipped().count());
        assertArrayEquals(new int[] {3, 6, 8}, sets.train().exampleShape());
    }

    @Test
    void withoutATestFolderTheTestSetIsASeededSplit() throws Exception {
        writeClass(dir.resolve("a"), 0, 10, "png");
        writeClass(dir.resolve("b"), 1, 10, "png");

        TrainAndTest first = ImageFolder.reader(3, 4, 4).testSplit(0.25, 7).read(dir);
        TrainAndTest again = ImageFolder.reader(3, 4, 4).testSplit(0.25, 7).read(dir);
        TrainAndTest other = ImageFolder.reader(3, 4, 4).testSplit(0.25, 8).read(dir);

        assertEquals(List.of("a", "b"), first.classNames());
        assertEquals(15, first.train().size());
        assertEquals(5, first.test().size());
        assertEquals(images(first.test()), images(again.test()));
        assertNotEquals(images(first.test()), images(other.test()));
        Set<List<Float>> overlap = new HashSet<>(images(first.train()));
        overlap.retainAll(images(first.test()));
        assertTrue(overlap.isEmpty(), "no image is in both sets");
    }

    private static List<List<Float>> images(Dataset data) {
        List<List<Float>> all = new java.util.ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            List<Float> values = new java.util.ArrayList<>();
            for (float v : data.image(i)) {
                values.add(v);
            }
            all.add(values);
        }
        return all;
    }

    @Test
    void aLimitKeepsEveryClass() throws Exception {
        writeClass(dir.resolve("train/a"), 0, 5, "png");
        writeClass(dir.resolve("train/b"), 1, 5, "png");
        writeClass(dir.resolve("train/c"), 2, 5, "png");
        writeClass(dir.resolve("test/c"), 2, 5, "png");

        TrainAndTest sets = ImageFolder.reader(3, 2, 2).limits(new Limits(4, 2)).read(dir);

        assertEquals(4, sets.train().size());
        assertArrayEquals(new int[] {2, 1, 1}, sets.train().labelCounts());
        assertEquals(2, sets.test().size());
    }

    @Test
    void aBadFileIsNamedOrSkippedAndCounted() throws Exception {
        writeClass(dir.resolve("train/a"), 0, 3, "png");
        writeClass(dir.resolve("train/b"), 1, 3, "png");
        Path broken = Files.writeString(dir.resolve("train/b/broken.png"), "this is not a PNG");
        byte[] png = ImageFiles.encode(ImageFiles.rgb(30, 30, (x, y) -> x * y * 1000), "png");
        Path cut = Files.write(dir.resolve("train/a/cut.png"), java.util.Arrays.copyOf(png, png.length / 2));

        MalformedDataException e = assertThrows(MalformedDataException.class, () -> ImageFolder.reader(3, 4, 4).read(dir));
        assertTrue(e.getMessage().startsWith(broken + ": not an image") || e.getMessage().startsWith(cut + ": the PNG data"),
                e.getMessage());

        TrainAndTest sets = ImageFolder.reader(3, 4, 4).skipBad(true).testSplit(0.5, 1).read(dir);

        assertEquals(6, sets.train().size() + sets.test().size());
        assertEquals(2, sets.skipped().count());
        assertTrue(sets.skipped().firstFew().get(0).startsWith(cut + ": the PNG data is damaged or truncated"),
                sets.skipped().firstFew().toString());
        assertEquals(broken + ": not an image ImageIO can read (PNG, JPEG, BMP or GIF)", sets.skipped().firstFew().get(1));
        assertTrue(sets.skipped().summary().startsWith("skipped 2 bad files:\n  " + cut), sets.skipped().summary());
    }

    @Test
    void aHugeImageInAFolderIsRefusedOrSkipped() throws Exception {
        writeClass(dir.resolve("a"), 0, 4, "png");
        Path bomb = Files.write(dir.resolve("a/bomb.png"), ImageFiles.pngDeclaring(40_000, 40_000));

        DataTooLargeException e = assertThrows(DataTooLargeException.class, () -> ImageFolder.reader(1, 4, 4).read(dir));
        assertTrue(e.getMessage().startsWith(bomb + ": the image is 40000x40000"), e.getMessage());
        assertEquals(1, ImageFolder.reader(1, 4, 4).skipBad(true).read(dir).skipped().count());
    }

    @Test
    void aTestClassUnknownToTrainingIsNamed() throws Exception {
        writeClass(dir.resolve("train/a"), 0, 2, "png");
        writeClass(dir.resolve("test/zebra"), 1, 2, "png");

        MalformedDataException e = assertThrows(MalformedDataException.class, () -> ImageFolder.reader(1, 4, 4).read(dir));

        assertEquals(dir.resolve("test/zebra") + ": class 'zebra' is not among the training classes [a]", e.getMessage());
    }

    @Test
    void aFolderWithoutClassFoldersOrImagesIsNamed() throws Exception {
        Files.writeString(dir.resolve("loose.png"), "x");
        MalformedDataException none = assertThrows(MalformedDataException.class, () -> ImageFolder.reader(1, 4, 4).read(dir));
        assertTrue(none.getMessage().startsWith(dir + ": no class folders"), none.getMessage());
        assertFalse(ImageFolder.looksLike(dir));

        Files.createDirectories(dir.resolve("empty"));
        MalformedDataException empty = assertThrows(MalformedDataException.class, () -> ImageFolder.reader(1, 4, 4).read(dir));
        assertEquals(dir + ": its class folders [empty] hold no image files (png, jpg, jpeg, bmp, gif)", empty.getMessage());
    }
}
