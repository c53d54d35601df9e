package dev.kiln.cli;

import dev.kiln.runtime.data.Cifar10Format;
import dev.kiln.runtime.data.CsvFormat;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.DatasetLocator;
import dev.kiln.runtime.data.DatasetSpec;
import dev.kiln.runtime.data.Fer2013Csv;
import dev.kiln.runtime.data.ImageFolder;
import dev.kiln.runtime.data.Limits;
import dev.kiln.runtime.data.NpyFormat;
import dev.kiln.runtime.data.SkippedFiles;
import dev.kiln.runtime.data.TrainAndTest;
import dev.kiln.runtime.model.ModelInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The data formats {@code --data PATH} takes, told apart by what PATH is, and how each is loaded
 * for a network. Formats without a test part get a {@link #TEST_SHARE fixed seeded split}, the
 * same on every run, so that {@code kiln evaluate} measures the examples training left out.
 */
enum DataFormat {
    /** A folder of the four IDX files of an MNIST-like set (gzipped or not), named as --dataset says. */
    IDX("an MNIST-layout folder of IDX files"),
    /** A folder of class sub-folders of images, directly or under train/ (and test/). */
    IMAGE_FOLDER("an image folder"),
    /** A folder of CIFAR-10's binary batches (or the folder they unpack into). */
    CIFAR10("a CIFAR-10 folder of binary batches"),
    /** A folder of x_train.npy, y_train.npy, x_test.npy and y_test.npy. */
    NPY_FOLDER("a folder of x_train/y_train/x_test/y_test .npy files"),
    /** One .npy file of images; its labels in a second one. */
    NPY_FILE("a .npy file of images"),
    /** The FER-2013 CSV: emotion,pixels,Usage. */
    FER2013_CSV("a FER-2013 CSV"),
    /** Any other CSV: a label, then the network's C x H x W pixel values, per row. */
    CSV("a CSV of a label and pixel values per row");

    /** The share of the examples a format without a test part keeps aside for testing. */
    static final double TEST_SHARE = 0.2;
    /** The seed of that split: fixed, so train and evaluate split alike whatever --seed is. */
    static final long SPLIT_SEED = 0;

    private final String description;

    DataFormat(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    /** What {@code path} holds, from its name, its first line or the files in it. */
    static DataFormat detect(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            if (Cifar10Format.looksLike(path)) {
                return CIFAR10;
            }
            if (NpyFormat.looksLike(path)) {
                return NPY_FOLDER;
            }
            if (ImageFolder.looksLike(path)) {
                return IMAGE_FOLDER;
            }
            if (holdsIdxFiles(path)) {
                return IDX; // the IDX reader says which of its files are missing, if any
            }
            throw new IllegalArgumentException("--data " + path + " holds none of the formats Kiln reads; give " + formats());
        }
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "--data: no such file or folder");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) {
            return NPY_FILE;
        }
        if (name.endsWith(".csv")) {
            return isFer2013(path) ? FER2013_CSV : CSV;
        }
        throw new IllegalArgumentException("--data " + path + ": not a format Kiln reads; give " + formats());
    }

    /** Every format, for messages and --help. */
    static String formats() {
        return "an MNIST-layout folder of IDX files, an image folder (PATH/train/<class>/*.png, PATH/test/<class>/...),"
                + " a CIFAR-10 folder of binary batches, a .npy file of images (labels: --labels), a folder of"
                + " x_train/y_train/x_test/y_test .npy files, the FER-2013 CSV, or a .csv of a label and pixel values per row";
    }

    /** True when {@code folder} holds a file named like an IDX file (train-images-idx3-ubyte, ...). */
    private static boolean holdsIdxFiles(Path folder) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(file -> file.getFileName().toString().contains("-ubyte"));
        }
    }

    /** True when the first line of {@code csv} is FER-2013's header. */
    private static boolean isFer2013(Path csv) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String first = reader.readLine();
            return first != null && first.toLowerCase(Locale.ROOT).replace("\"", "").startsWith("emotion,pixels");
        }
    }

    /** What one load needs to know besides the path. */
    record Request(Path path, Path labels, ModelInfo network, DatasetSpec idxSpec, Limits limits, boolean skipBad) {
    }

    /** The training and test sets of {@code request.path()}, in this format. */
    TrainAndTest load(Request request) throws IOException {
        Path path = request.path();
        Limits limits = request.limits();
        ModelInfo network = request.network();
        return switch (this) {
            case IDX -> DatasetLocator.standard().load(request.idxSpec(), path, limits);
            case IMAGE_FOLDER -> ImageFolder.reader(network.inputChannels(), network.inputHeight(), network.inputWidth())
                    .skipBad(request.skipBad()).limits(limits).testSplit(TEST_SHARE, SPLIT_SEED).read(path);
            case CIFAR10 -> Cifar10Format.load(path, limits);
            case NPY_FOLDER -> NpyFormat.loadFolder(path, limits);
            case NPY_FILE -> split(NpyFormat.load(path, labelsOf(path, request.labels()), network.classes(),
                    bothLimits(limits), limits), limits, List.of());
            case FER2013_CSV -> {
                Fer2013Csv.Sets sets = Fer2013Csv.read(path, limits);
                Dataset test = sets.publicTest().size() > 0 ? sets.publicTest() : sets.privateTest();
                yield new TrainAndTest(sets.training(), test, Fer2013Csv.EMOTIONS);
            }
            case CSV -> split(CsvFormat.read(path, network.inputChannels(), network.inputHeight(), network.inputWidth(),
                    network.classes(), new Limits(bothLimits(limits), limits.test(), limits.maxBytes(), limits.maxImagePixels(),
                            limits.maxCompressionRatio())), limits, List.of());
        };
    }

    /**
     * The labels file of a .npy of images: {@code --labels} when given, otherwise the file next to
     * it whose name has a y where the images' starts with an x (x_train.npy: y_train.npy), as Keras
     * names them.
     */
    static Path labelsOf(Path images, Path given) throws NoSuchFileException {
        if (given != null) {
            return given;
        }
        String name = images.getFileName().toString();
        if (name.startsWith("x") || name.startsWith("X")) {
            Path labels = images.resolveSibling((name.startsWith("x") ? "y" : "Y") + name.substring(1));
            if (Files.isRegularFile(labels)) {
                return labels;
            }
            throw new NoSuchFileException(labels.toString(), null, "the labels of " + images
                    + " are looked for there; give their .npy file with --labels FILE");
        }
        throw new IllegalArgumentException("give the labels of " + images + " with --labels FILE.npy (found by name"
                + " only for images named x*.npy: y*.npy next to them)");
    }

    /** How many examples to read from a source that is split afterwards: enough for both parts. */
    private static int bothLimits(Limits limits) {
        return (int) Math.min(Integer.MAX_VALUE, (long) limits.train() + limits.test());
    }

    /** {@link #TEST_SHARE} of {@code all} as the test set, each part then cut to its limit. */
    static TrainAndTest split(Dataset all, Limits limits, List<String> classNames) {
        return TrainAndTest.split(all, TEST_SHARE, SPLIT_SEED, limits, classNames, SkippedFiles.NONE);
    }
}
