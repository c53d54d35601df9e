package dev.kiln.runtime.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads CIFAR-10 in its binary version ({@code cifar-10-binary.tar.gz}, unpacked): the training
 * batches {@code data_batch_1.bin} .. {@code data_batch_5.bin}, {@code test_batch.bin}, and the
 * class names in {@code batches.meta.txt}, one per line (the usual ten when that file is absent).
 * Each record is 1 label byte and 3072 pixel bytes, the red, green and blue 32x32 planes row by row:
 * already the 3 x 32 x 32 layout networks take, so the bytes are kept as they are and the data set
 * costs its file size in memory. A file whose size is not a whole number of records is refused,
 * naming it, before anything is read; so is a label outside the classes.
 */
public final class Cifar10Format {
    public static final int RECORD = 1 + 3 * 32 * 32;
    public static final String TEST_BATCH = "test_batch.bin";
    public static final String META = "batches.meta.txt";
    public static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");
    /** The folder the archive unpacks into; {@link #load} looks inside it when given its parent. */
    public static final String ARCHIVE_FOLDER = "cifar-10-batches-bin";

    private Cifar10Format() {
    }

    /** True when {@code folder} (or its cifar-10-batches-bin) holds test_batch.bin and data_batch_1.bin. */
    public static boolean looksLike(Path folder) {
        Path batches = batchesFolder(folder);
        return Files.isRegularFile(batches.resolve(TEST_BATCH)) && Files.isRegularFile(batches.resolve("data_batch_1.bin"));
    }

    public static TrainAndTest load(Path folder) throws IOException {
        return load(folder, Limits.NONE);
    }

    /** Every data_batch_N.bin in order as the training set, test_batch.bin as the test set, the first ones up to the limits. */
    public static TrainAndTest load(Path folder, Limits limits) throws IOException {
        Path batches = batchesFolder(folder);
        List<Path> trainFiles = trainBatches(batches);
        List<String> names = classNames(batches);
        Dataset train = read(trainFiles, batches + " train", names.size(), limits.train(), limits);
        Dataset test = read(List.of(batches.resolve(TEST_BATCH)), batches.resolve(TEST_BATCH).toString(), names.size(),
                limits.test(), limits);
        return new TrainAndTest(train, test, names);
    }

    private static Path batchesFolder(Path folder) {
        Path inner = folder.resolve(ARCHIVE_FOLDER);
        return Files.isDirectory(inner) ? inner : folder;
    }

    /** data_batch_1.bin, data_batch_2.bin, ... as many as are present, in number order. */
    private static List<Path> trainBatches(Path folder) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int n = 1; Files.isRegularFile(folder.resolve("data_batch_" + n + ".bin")); n++) {
            files.add(folder.resolve("data_batch_" + n + ".bin"));
        }
        if (files.isEmpty() || !Files.isRegularFile(folder.resolve(TEST_BATCH))) {
            String present;
            try (Stream<Path> list = Files.list(folder)) {
                present = list.map(p -> p.getFileName().toString()).sorted().toList().toString();
            }
            throw new MalformedDataException(folder + ": not CIFAR-10's binary version: it needs data_batch_1.bin (to"
                    + " data_batch_5.bin) and test_batch.bin, and holds " + present);
        }
        return files;
    }

    private static List<String> classNames(Path folder) throws IOException {
        Path meta = folder.resolve(META);
        if (!Files.isRegularFile(meta)) {
            return CLASS_NAMES;
        }
        List<String> names = Files.readAllLines(meta, StandardCharsets.UTF_8).stream().map(String::trim)
                .filter(line -> !line.isEmpty()).toList();
        if (names.isEmpty() || names.size() > 256) {
            throw new MalformedDataException(meta + ": expected one class name per line (1 to 256), found " + names.size());
        }
        return names;
    }

    /** The first {@code limit} records of {@code files}, read straight into one array of pixels. */
    private static Dataset read(List<Path> files, String name, int classes, int limit, Limits limits) throws IOException {
        long total = 0;
        for (Path file : files) {
            long size = Files.size(file);
            if (size == 0 || size % RECORD != 0) {
                throw new MalformedDataException(file + ": " + size + " bytes is not a whole number of CIFAR-10 records"
                        + " of " + RECORD + " bytes (1 label + 3x32x32 pixels)" + (size > RECORD ? "; it holds "
                        + size / RECORD + " and " + size % RECORD + " bytes more (truncated or not CIFAR-10)" : ""));
            }
            total += size / RECORD;
        }
        int count = (int) Math.min(limit, total);
        int image = RECORD - 1;
        limits.checkBytes(files.get(0), (long) count * image, count + " images of 3x32x32");
        byte[] pixels = new byte[count * image];
        int[] labels = new int[count];
        int done = 0;
        for (Path file : files) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                for (int record = 0; done < count; record++, done++) {
                    int label = in.read();
                    if (label < 0) {
                        break;
                    }
                    if (label >= classes) {
                        throw new MalformedDataException(file + ": record " + record + " has label " + label
                                + ", outside 0.." + (classes - 1));
                    }
                    labels[done] = label;
                    if (in.readNBytes(pixels, done * image, image) < image) {
                        throw new MalformedDataException(file + ": record " + record + " is cut short (the file changed while"
                                + " being read?)");
                    }
                }
            }
            if (done == count) {
                break;
            }
        }
        return Dataset.ofPixels(name, pixels, labels, 3, 32, 32, classes);
    }
}
