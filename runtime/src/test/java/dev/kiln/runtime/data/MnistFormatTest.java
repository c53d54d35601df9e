package dev.kiln.runtime.data;

import static dev.kiln.runtime.data.IdxFiles.gzip;
import static dev.kiln.runtime.data.IdxFiles.images;
import static dev.kiln.runtime.data.IdxFiles.labels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistFormatTest {
    @TempDir
    Path dir;

    @Test
    void rejectsMismatchedImageAndLabelCounts() throws IOException {
        Path images = Files.write(dir.resolve("img"), images(3, 2, 2));
        Path labels = Files.write(dir.resolve("lbl"), labels(1, 2));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> MnistFormat.load(images, labels, "x", 10));
        assertEquals(images + " holds 3 images but " + labels + " holds 2 labels", e.getMessage());
    }

    @Test
    void rejectsLabelsOutsideTheClasses() throws IOException {
        Path images = Files.write(dir.resolve("img"), images(3, 2, 2));
        Path labels = Files.write(dir.resolve("lbl"), labels(1, 10, 2));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> MnistFormat.load(images, labels, "x", 10));
        assertEquals(labels + ": label 10 of item 1 is outside 0..9", e.getMessage());
    }

    @Test
    void loadsADirectoryMixingGzipAndRawFiles() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(4, 28, 28)));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(0, 1, 2, 9));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(2, 28, 28));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(5, 6)));
        TrainAndTest data = MnistFormat.load(dir, MnistFormat.MNIST);
        assertEquals(4, data.train().size());
        assertEquals(2, data.test().size());
        assertEquals(9, data.train().label(3));
        assertEquals(28 / 255f, data.train().image(0)[4], 0f); // pixel 4 of example 0 is 4 * 7 = 28
    }

    @Test
    void realFashionMnistHasSixThousandTrainingImagesPerClass() throws IOException {
        Path system = MnistFormat.FASHION_MNIST.systemDirectory();
        assumeTrue(MnistFormat.complete(system, MnistFormat.FASHION_MNIST), "Fashion-MNIST is not installed in " + system);
        TrainAndTest data = MnistFormat.load(system, MnistFormat.FASHION_MNIST);
        assertEquals(60000, data.train().size());
        assertEquals(10000, data.test().size());
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, data.train().labelCounts());
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, data.test().labelCounts());
        assertEquals(28, data.train().height());
        // The first training image is an ankle boot (label 9), as in every Fashion-MNIST copy.
        assertEquals(9, data.train().label(0));
    }

    @Test
    void theRecordedSumsMatchTheInstalledFashionMnist() throws IOException {
        Path system = MnistFormat.FASHION_MNIST.systemDirectory();
        assumeTrue(MnistFormat.complete(system, MnistFormat.FASHION_MNIST), "Fashion-MNIST is not installed in " + system);
        for (DatasetFile file : MnistFormat.FASHION_MNIST.files()) {
            assertEquals(file.contentSha256(), ContentDigest.sha256(MnistFormat.find(system, file.name())), file.name());
        }
    }
}
