package dev.kiln.runtime.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * MNIST and Fashion-MNIST: the same four IDX files, 28x28 gray images and 10 classes; one loader.
 * Each file may be gzip-compressed ({@code .gz}) or raw (the same name without {@code .gz}).
 */
public final class MnistFormat {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

    /**
     * Fashion-MNIST. The sums are of the uncompressed files, computed from Debian's
     * dataset-fashion-mnist 0.0~git20200523.55506a9-1, whose gzip files hold the original data
     * (60000 + 10000 images; the original archives are 24 or 23 bytes longer only because their
     * gzip headers carry the file name).
     */
    public static final DatasetSpec FASHION_MNIST = new DatasetSpec("fashion-mnist", "Fashion-MNIST",
            List.of(new DatasetFile(TRAIN_IMAGES, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
                    new DatasetFile(TRAIN_LABELS, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
                    new DatasetFile(TEST_IMAGES, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
                    new DatasetFile(TEST_LABELS, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34")),
            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            Path.of("/usr/share/datasets/fashion-mnist"), "dataset-fashion-mnist",
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"));

    /**
     * MNIST. Its content sums are not recorded here (none could be checked against a trusted copy),
     * so it is never downloaded automatically: it is read from a given directory, the cache or
     * /usr/share/datasets/mnist, and messages say where to fetch the files by hand.
     */
    public static final DatasetSpec MNIST = new DatasetSpec("mnist", "MNIST",
            List.of(new DatasetFile(TRAIN_IMAGES, null), new DatasetFile(TRAIN_LABELS, null),
                    new DatasetFile(TEST_IMAGES, null), new DatasetFile(TEST_LABELS, null)),
            URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            Path.of("/usr/share/datasets/mnist"), null,
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));

    private MnistFormat() {
    }

    /** Loads the training and test sets from {@code directory}. */
    public static TrainAndTest load(Path directory, DatasetSpec spec) throws IOException {
        return load(directory, spec, Limits.NONE);
    }

    /** Loads the first examples of the training and test sets from {@code directory}, no more than {@code limits} allow. */
    public static TrainAndTest load(Path directory, DatasetSpec spec, Limits limits) throws IOException {
        // Each set is named after its images file, so that a message about its content names the file.
        Path trainImages = find(directory, TRAIN_IMAGES);
        Path testImages = find(directory, TEST_IMAGES);
        Dataset train = load(trainImages, find(directory, TRAIN_LABELS), spec.title() + " train, " + trainImages,
                spec.classes(), limits.train(), limits);
        Dataset test = load(testImages, find(directory, TEST_LABELS), spec.title() + " test, " + testImages,
                spec.classes(), limits.test(), limits);
        return new TrainAndTest(train, test);
    }

    /** One set from an images file and a labels file, checking that they agree. */
    public static Dataset load(Path imagesFile, Path labelsFile, String name, int classes) throws IOException {
        return load(imagesFile, labelsFile, name, classes, Integer.MAX_VALUE);
    }

    /**
     * The first {@code limit} examples of a set (all when it has fewer), reading no more of the
     * files than those; the files must still agree on the count.
     */
    public static Dataset load(Path imagesFile, Path labelsFile, String name, int classes, int limit) throws IOException {
        return load(imagesFile, labelsFile, name, classes, limit, Limits.NONE);
    }

    /** As {@link #load(Path, Path, String, int, int)}, refusing files larger than {@code limits} allow before allocating. */
    public static Dataset load(Path imagesFile, Path labelsFile, String name, int classes, int limit, Limits limits)
            throws IOException {
        IdxArray images = IdxReader.read(imagesFile, 3, "images", limit, limits);
        IdxArray labels = IdxReader.read(labelsFile, 1, "labels", limit, limits);
        if (images.count() != labels.count()) {
            throw new MalformedDataException(imagesFile + " holds " + images.count() + " images but " + labelsFile
                    + " holds " + labels.count() + " labels" + (limit < Integer.MAX_VALUE ? " (of the first " + limit + ")" : ""));
        }
        int[] classOf = new int[labels.count()];
        byte[] bytes = labels.bytes();
        for (int i = 0; i < classOf.length; i++) {
            classOf[i] = bytes[i] & 0xFF;
            if (classOf[i] >= classes) {
                throw new MalformedDataException(labelsFile + ": label " + classOf[i] + " of item " + i + " is outside 0.."
                        + (classes - 1));
            }
        }
        int[] d = images.dimensions();
        return Dataset.ofPixels(name, images.bytes(), classOf, 1, d[1], d[2], classes);
    }

    /** {@code directory/name}, or the uncompressed file of the same name without ".gz" when only that exists. */
    public static Path find(Path directory, String name) {
        Path compressed = directory.resolve(name);
        Path raw = directory.resolve(name.substring(0, name.length() - ".gz".length()));
        return !Files.isRegularFile(compressed) && Files.isRegularFile(raw) ? raw : compressed;
    }

    /** True when {@code directory} holds every file of {@code spec}, compressed or raw. */
    public static boolean complete(Path directory, DatasetSpec spec) {
        return spec.files().stream().allMatch(file -> Files.isRegularFile(find(directory, file.name())));
    }
}
