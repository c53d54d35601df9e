package dev.kiln.runtime.data;

import static dev.kiln.runtime.data.IdxFiles.gzip;
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

/**
 * A limit on the examples reads only those: the proof is a file whose later part is damaged, which
 * loads with a limit that stops before the damage and is rejected without one.
 */
class LimitedLoadingTest {
    @TempDir Path dir;

    /** 200 gzip-compressed 28x28 images, cut off a little after the first 10. */
    private Path cutAfterTenImages() throws IOException {
        byte[] whole = images(200, 28, 28);
        byte[] firstTenAndABit = Arrays.copyOf(whole, 16 + 11 * 784);
        // Compressed on its own, the cut data ends the gzip stream early, as a truncated download does.
        return Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(firstTenAndABit));
    }

    @Test
    void readsOnlyTheFirstItemsOfACompressedFile() throws IOException {
        Path file = cutAfterTenImages();

        IdxArray first = IdxReader.readImages(file, 10);

        assertArrayEquals(new int[] {10, 28, 28}, first.dimensions());
        assertArrayEquals(Arrays.copyOfRange(images(200, 28, 28), 16, 16 + 10 * 784), first.bytes());
        MalformedDataException whole = assertThrows(MalformedDataException.class, () -> IdxReader.readImages(file));
        assertTrue(whole.getMessage().endsWith("header claims 200 images of 28x28 (156800 bytes) but the file holds 8624"
                + " bytes after the header"), whole.getMessage());
    }

    @Test
    void readsOnlyTheFirstItemsOfARawFileButStillChecksItsSize() throws IOException {
        Path file = Files.write(dir.resolve("raw-idx3-ubyte"), images(30, 4, 5));
        IdxArray first = IdxReader.readImages(file, 7);
        assertArrayEquals(new int[] {7, 4, 5}, first.dimensions());
        assertArrayEquals(Arrays.copyOfRange(images(30, 4, 5), 16, 16 + 7 * 20), first.bytes());

        Path cut = Files.write(dir.resolve("cut-idx3-ubyte"), Arrays.copyOf(images(30, 4, 5), 16 + 29 * 20));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.readImages(cut, 7));
        assertTrue(e.getMessage().endsWith("header claims 30 images of 4x5 (600 bytes) but the file holds 580 bytes after"
                + " the header"), e.getMessage());
    }

    @Test
    void aLimitAboveTheCountReadsEverything() throws IOException {
        Path file = Files.write(dir.resolve("labels.gz"), gzip(labels(1, 2, 3)));
        assertArrayEquals(new byte[] {1, 2, 3}, IdxReader.readLabels(file, 1000).bytes());
    }

    @Test
    void mnistFormatLoadsTheFirstExamplesOfEachSet() throws IOException {
        Files.write(dir.resolve(MnistFormat.TRAIN_IMAGES), gzip(images(50, 28, 28)));
        Files.write(dir.resolve(MnistFormat.TRAIN_LABELS), gzip(labels(new int[50])));
        Files.write(dir.resolve(MnistFormat.TEST_IMAGES), gzip(images(20, 28, 28)));
        int[] testLabels = new int[20];
        testLabels[3] = 7;
        Files.write(dir.resolve(MnistFormat.TEST_LABELS), gzip(labels(testLabels)));

        TrainAndTest sets = MnistFormat.load(dir, MnistFormat.FASHION_MNIST, new Limits(12, 4));

        assertEquals(12, sets.train().size());
        assertEquals(4, sets.test().size());
        assertEquals(7, sets.test().label(3));
    }

    @Test
    void limitsBelowOneAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Limits(0, 5));
        assertEquals("example limits must be at least 1 (an empty set trains or evaluates on nothing), got 0 for training"
                + " and 5 for testing", e.getMessage());
    }

    @Test
    void ferKeepsTheFirstRowsOfEachPartWithoutParsingTheRest() throws IOException {
        String pixels = String.join(" ", java.util.Collections.nCopies(Fer2013Csv.PIXELS, "9"));
        Path csv = Files.writeString(dir.resolve("fer.csv"), String.join("\n",
                "emotion,pixels,Usage",
                "1," + pixels + ",Training",
                "2," + pixels + ",Training",
                "3,not pixels at all,Training", // past the limit: not parsed
                "4," + pixels + ",PublicTest",
                "5,broken,PublicTest") + "\n");

        Fer2013Csv.Sets sets = Fer2013Csv.read(csv, new Limits(2, 1));

        assertEquals(2, sets.training().size());
        assertEquals(2, sets.training().label(1));
        assertEquals(1, sets.publicTest().size());
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> Fer2013Csv.read(csv));
        assertTrue(e.getMessage().startsWith(csv + ":4: "), e.getMessage());
    }
}
