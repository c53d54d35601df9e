package dev.kiln.cli;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.DatasetLocator;
import dev.kiln.runtime.data.DatasetSpec;
import dev.kiln.runtime.data.Limits;
import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.data.Normalization;
import dev.kiln.runtime.data.TrainAndTest;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the data comes from and how it is prepared; shared by the commands that need data. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "PATH",
            description = "The data, in a format told from what PATH is:%n"
                    + "  - a folder of MNIST-layout IDX files (train-images-idx3-ubyte[.gz], ...; see --dataset);%n"
                    + "  - an image folder, PATH/train/<class>/*.png and PATH/test/<class>/... (PNG, JPEG, BMP, GIF; "
                    + "class names from the folder names). Without test/ (or train/), 20%% of the images become the test "
                    + "set by a fixed seeded split. Images are converted to the network's channels (RGB to gray as "
                    + "0.299 R + 0.587 G + 0.114 B, gray repeated into RGB) and resized whole to its input size with a "
                    + "bilinear filter (aspect ratio not kept, as Keras's image_dataset_from_directory);%n"
                    + "  - a CIFAR-10 folder of binary batches (data_batch_N.bin, test_batch.bin);%n"
                    + "  - a folder of x_train.npy, y_train.npy, x_test.npy, y_test.npy;%n"
                    + "  - one .npy file of images (N,H,W), (N,C,H,W) or (N,H,W,C), uint8 or float32, its labels in "
                    + "the y*.npy next to an x*.npy or in --labels FILE; 20%% become the test set (fixed seeded split);%n"
                    + "  - the FER-2013 CSV (emotion,pixels,Usage);%n"
                    + "  - any other .csv: per row a label, then the network's CxHxW pixel values 0..255 (a header row is "
                    + "skipped); 20%% become the test set (fixed seeded split).%n"
                    + "Arrays (IDX, CIFAR-10, .npy, CSV) must have the network's input shape. "
                    + "Without --data: Fashion-MNIST from ~/.cache/kiln/datasets, then /usr/share/datasets, then a download.")
    Path data;

    @Option(names = "--labels", paramLabel = "FILE.npy",
            description = "With --data IMAGES.npy: the labels (int64, int32 or uint8, one per image).")
    Path labels;

    @Option(names = "--skip-bad",
            description = "In an image folder, count and skip files that cannot be read instead of stopping at the first.")
    boolean skipBad;

    @Option(names = "--dataset", defaultValue = "fashion-mnist",
            description = "fashion-mnist or mnist, for the 28x28 networks (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--limit", paramLabel = "N",
            description = "Train on the first N training examples only (only those are read from the files).")
    Integer limit;

    @Option(names = "--test-limit", paramLabel = "N", description = "Evaluate on the first N test examples only.")
    Integer testLimit;

    @Option(names = "--normalize", paramLabel = "MEAN,STD",
            description = "Normalise pixels (scaled to [0,1]) as (x - MEAN) / STD, e.g. 0.5,0.5; 'auto' computes them "
                    + "from the training set. Default: pixels in [0,1].")
    String normalize;

    /**
     * Fails on limits that would leave nothing to train or evaluate on; called before anything is
     * loaded or created.
     */
    void check() {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit " + limit + " leaves no training examples; give 1 or more");
        }
        if (testLimit != null && testLimit < 1) {
            throw new IllegalArgumentException("--test-limit " + testLimit + " leaves no test examples; give 1 or more");
        }
    }

    /**
     * Loads the training and test sets for {@code network}, limited and normalised as asked. Only
     * the examples within the limits are read, so a small limit needs little memory.
     */
    TrainAndTest load(SeedNetworks network) throws IOException {
        return load(network, limit == null ? Integer.MAX_VALUE : limit);
    }

    /**
     * The test set, for a command that only evaluates or predicts: as {@link #load}, but where
     * nothing needs the training set (the standard data set, no --normalize auto) only its first
     * example is read: with Fashion-MNIST's 60,000 training images {@code kiln evaluate keras-mnist}
     * took 1.61-1.91 s, without them 1.32-1.63 s (five runs each, in turns). Data given with --data
     * is read as {@link #load} reads it: some formats split one set into both, and the split must
     * see every example.
     */
    TrainAndTest loadForTesting(SeedNetworks network) throws IOException {
        boolean trainingSetUnused = data == null && limit == null && !normalizesFromTrainingSet();
        return trainingSetUnused ? load(network, 1) : load(network);
    }

    /** Whether --normalize auto asks for the training set's mean and deviation. */
    private boolean normalizesFromTrainingSet() {
        return "auto".equalsIgnoreCase(normalize);
    }

    private TrainAndTest load(SeedNetworks network, int trainLimit) throws IOException {
        check();
        Limits limits = new Limits(trainLimit, testLimit == null ? Integer.MAX_VALUE : testLimit);
        TrainAndTest sets = data != null ? loadGiven(network, limits) : switch (network.data()) {
            case FASHION_MNIST -> withSpecNames(DatasetLocator.standard().load(spec(), null, limits));
            case FER2013 -> throw new IllegalArgumentException(network.cliName() + " trains on 48x48 faces: pass the "
                    + "FER-2013 CSV (rows 'emotion,pixels,Usage') with --data FILE.csv");
            case NONE -> throw new IllegalArgumentException(network.cliName()
                    + " is compiled and summarised only: it has no training data set (see seed-networks.md, section 8)");
        };
        if (sets.skipped().count() > 0) {
            System.out.println("kiln: " + sets.skipped().summary());
        }
        Dataset train = sets.train();
        Dataset test = sets.test();
        if (normalize != null) {
            Normalization n = normalizesFromTrainingSet() ? Normalization.computeFrom(train) : parse(normalize);
            train = train.withNormalization(n);
            test = test.withNormalization(n);
        }
        return new TrainAndTest(train, test, sets.classNames(), sets.skipped());
    }

    /** The data at --data, in the format it is in, checked against what {@code network} can learn. */
    private TrainAndTest loadGiven(SeedNetworks network, Limits limits) throws IOException {
        DataFormat format = DataFormat.detect(data);
        if (labels != null && format != DataFormat.NPY_FILE) {
            throw new IllegalArgumentException("--labels is for --data IMAGES.npy; " + data + " is " + format.description());
        }
        if (skipBad && format != DataFormat.IMAGE_FOLDER) {
            throw new IllegalArgumentException("--skip-bad is for image folders; " + data + " is " + format.description()
                    + ", which is read whole or refused");
        }
        TrainAndTest sets = format.load(new DataFormat.Request(data, labels, network.info(), spec(), limits, skipBad));
        if (format == DataFormat.IDX) {
            sets = withSpecNames(sets);
        }
        checkClasses(sets, network);
        return sets;
    }

    /** IDX files name no classes; the data set --dataset names does. */
    private TrainAndTest withSpecNames(TrainAndTest sets) {
        return new TrainAndTest(sets.train(), sets.test(), spec().classNames(), sets.skipped());
    }

    /**
     * Fails when the data has more classes than the network has outputs, or names a different
     * number: the checkpoint would then name outputs wrongly. Unnamed labels (arrays) may use
     * fewer classes than the network has.
     */
    private void checkClasses(TrainAndTest sets, SeedNetworks network) {
        int outputs = network.info().classes();
        int classes = Math.max(sets.train().classes(), sets.test().classes());
        if (classes > outputs || (!sets.classNames().isEmpty() && sets.classNames().size() != outputs)) {
            throw new IllegalArgumentException(data + " has " + classes + " classes"
                    + (sets.classNames().isEmpty() ? "" : " " + sets.classNames()) + ", but " + network.cliName() + " has "
                    + outputs + " outputs; train a network with " + classes + " outputs on it");
        }
    }

    private DatasetSpec spec() {
        return switch (dataset.toLowerCase()) {
            case "fashion-mnist" -> MnistFormat.FASHION_MNIST;
            case "mnist" -> MnistFormat.MNIST;
            default -> throw new IllegalArgumentException("--dataset " + dataset + " is not known; use fashion-mnist or mnist");
        };
    }

    private static Normalization parse(String text) {
        String[] parts = text.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--normalize takes MEAN,STD (e.g. 0.5,0.5) or 'auto', not '" + text + "'");
        }
        return Normalization.of(Float.parseFloat(parts[0].trim()), Float.parseFloat(parts[1].trim()));
    }
}
