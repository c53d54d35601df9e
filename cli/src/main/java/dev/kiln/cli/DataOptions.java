package dev.kiln.cli;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.DatasetLocator;
import dev.kiln.runtime.data.DatasetSpec;
import dev.kiln.runtime.data.Fer2013Csv;
import dev.kiln.runtime.data.Limits;
import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.data.Normalization;
import dev.kiln.runtime.data.TrainAndTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the data comes from and how it is prepared; shared by the commands that need data. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "PATH",
            description = "Folder with the IDX files (MNIST layout), or the FER-2013 CSV for the emotion network. "
                    + "Without it: ~/.cache/kiln/datasets, then /usr/share/datasets, then a download.")
    Path data;

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
        check();
        Limits limits = new Limits(limit == null ? Integer.MAX_VALUE : limit, testLimit == null ? Integer.MAX_VALUE : testLimit);
        TrainAndTest sets = switch (network.data()) {
            case FASHION_MNIST -> DatasetLocator.standard().load(spec(), data, limits);
            case FER2013 -> loadFer(network, limits);
            case NONE -> throw new IllegalArgumentException(network.cliName()
                    + " is compiled and summarised only: it has no training data set (see seed-networks.md, section 8)");
        };
        Dataset train = sets.train();
        Dataset test = sets.test();
        if (normalize != null) {
            Normalization n = normalize.equalsIgnoreCase("auto") ? Normalization.computeFrom(train) : parse(normalize);
            train = train.withNormalization(n);
            test = test.withNormalization(n);
        }
        return new TrainAndTest(train, test);
    }

    /** The names of the classes of the data {@code network} trains on, index = label. */
    List<String> classNames(SeedNetworks network) {
        return switch (network.data()) {
            case FASHION_MNIST -> spec().classNames();
            case FER2013 -> Fer2013Csv.EMOTIONS;
            case NONE -> List.of();
        };
    }

    private DatasetSpec spec() {
        return switch (dataset.toLowerCase()) {
            case "fashion-mnist" -> MnistFormat.FASHION_MNIST;
            case "mnist" -> MnistFormat.MNIST;
            default -> throw new IllegalArgumentException("--dataset " + dataset + " is not known; use fashion-mnist or mnist");
        };
    }

    private TrainAndTest loadFer(SeedNetworks network, Limits limits) throws IOException {
        if (data == null || !Files.isRegularFile(data)) {
            throw new IllegalArgumentException(network.cliName() + " trains on 48x48 faces: pass the FER-2013 CSV "
                    + "(rows 'emotion,pixels,Usage') with --data FILE.csv" + (data == null ? "" : "; " + data + " is not a file"));
        }
        Fer2013Csv.Sets sets = Fer2013Csv.read(data, limits);
        Dataset test = sets.publicTest().size() > 0 ? sets.publicTest() : sets.privateTest();
        return new TrainAndTest(sets.training(), test);
    }

    private static Normalization parse(String text) {
        String[] parts = text.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--normalize takes MEAN,STD (e.g. 0.5,0.5) or 'auto', not '" + text + "'");
        }
        return Normalization.of(Float.parseFloat(parts[0].trim()), Float.parseFloat(parts[1].trim()));
    }
}
