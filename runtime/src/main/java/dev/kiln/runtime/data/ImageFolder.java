package dev.kiln.runtime.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Reads a folder of image files, one sub-folder per class, into a {@link Dataset} of bytes, as
 * Keras's {@code image_dataset_from_directory} lays them out:
 *
 * <pre>
 * PATH/train/&lt;class&gt;/*.png ...     PATH/test/&lt;class&gt;/*.png ...      (test/ optional)
 * PATH/&lt;class&gt;/*.png ...                                          (no train/ folder)
 * </pre>
 *
 * Class names are the sub-folders' names, sorted (label 0 is the first); a test set's classes must
 * be among the training set's. Without a {@code test/} folder, the test set is a seeded random
 * {@link #testSplit share} of the images (by default 20%, seed 0). Files are found in each class
 * folder and below it, with the {@link ImageLoader#EXTENSIONS image extensions}; other files and
 * hidden ones (a leading dot) are ignored. Each image is converted and resized by {@link ImageLoader}.
 *
 * <p>The examples are ordered class by class in turn (the first file of each class, then the second
 * of each, ...), so the first examples a {@link Limits limit} keeps cover every class. An image that
 * cannot be read stops the load with an error naming it, unless {@link #skipBad} is on: then bad
 * files are left out and reported in {@link TrainAndTest#skipped()}.
 *
 * <p>A reader is immutable: each {@code with}-style method returns a new one, and {@link #read} may
 * run on many threads at once. Files are decoded in parallel on the common fork-join pool.
 */
public final class ImageFolder {
    private final int channels;
    private final int height;
    private final int width;
    private final boolean skipBad;
    private final Limits limits;
    private final double testFraction;
    private final long seed;

    private ImageFolder(int channels, int height, int width, boolean skipBad, Limits limits, double testFraction, long seed) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.skipBad = skipBad;
        this.limits = limits;
        this.testFraction = testFraction;
        this.seed = seed;
    }

    /** A reader giving images of channels (1 or 3) x height x width, e.g. a network's input shape. */
    public static ImageFolder reader(int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image files convert to 1 channel (gray) or 3 (RGB), not " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("cannot resize images to " + height + "x" + width);
        }
        return new ImageFolder(channels, height, width, false, Limits.NONE, 0.2, 0);
    }

    /** When on, unreadable or damaged files are counted and left out instead of failing the load. */
    public ImageFolder skipBad(boolean skip) {
        return new ImageFolder(channels, height, width, skip, limits, testFraction, seed);
    }

    /** How many examples to keep and how large a file may be. */
    public ImageFolder limits(Limits newLimits) {
        return new ImageFolder(channels, height, width, skipBad, java.util.Objects.requireNonNull(newLimits), testFraction, seed);
    }

    /** Without a test/ folder: the share of the images put aside as the test set, chosen by {@code splitSeed}. */
    public ImageFolder testSplit(double fraction, long splitSeed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("the test split must be in (0, 1), got " + fraction);
        }
        return new ImageFolder(channels, height, width, skipBad, limits, fraction, splitSeed);
    }

    /** True when {@code root} looks like an image folder: class sub-folders directly or under train/. */
    public static boolean looksLike(Path root) {
        Path classes = Files.isDirectory(root.resolve("train")) ? root.resolve("train") : root;
        try (Stream<Path> children = Files.list(classes)) {
            return children.anyMatch(child -> Files.isDirectory(child) && !hidden(child) && containsImage(child));
        } catch (IOException e) {
            return false;
        }
    }

    /** The training and test sets of {@code root}, in either layout. */
    public TrainAndTest read(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new java.nio.file.NoSuchFileException(root.toString(), null, "no such image folder");
        }
        Path trainFolder = root.resolve("train");
        Path testFolder = root.resolve("test");
        if (Files.isDirectory(trainFolder)) {
            List<String> classes = classNames(trainFolder);
            Loaded train = load(trainFolder, classes, classes, limits.train());
            if (Files.isDirectory(testFolder)) {
                Loaded test = load(testFolder, classes, classNames(testFolder), limits.test());
                return new TrainAndTest(train.data, test.data, classes, train.skipped.plus(test.skipped));
            }
            return split(train, classes);
        }
        List<String> classes = classNames(root);
        long wanted = Math.min(Integer.MAX_VALUE, (long) limits.train() + limits.test());
        return split(load(root, classes, classes, (int) wanted), classes);
    }

    /** A seeded share of {@code all} becomes the test set; each part then keeps its first examples up to the limits. */
    private TrainAndTest split(Loaded all, List<String> classes) {
        return TrainAndTest.split(all.data, testFraction, seed, limits, classes, all.skipped);
    }

    private record Loaded(Dataset data, SkippedFiles skipped) {
    }

    /**
     * The images of {@code folder}'s class sub-folders {@code present}, labelled by their index in
     * {@code classes}; at most {@code limit}, taken class by class in turn.
     */
    private Loaded load(Path folder, List<String> classes, List<String> present, int limit) throws IOException {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<List<Path>> perClass = new ArrayList<>();
        for (String name : present) {
            if (!classes.contains(name)) {
                throw new MalformedDataException(folder.resolve(name) + ": class '" + name + "' is not among the training"
                        + " classes " + classes);
            }
            perClass.add(imageFiles(folder.resolve(name)));
        }
        for (int round = 0; files.size() < limit; round++) {
            boolean any = false;
            for (int k = 0; k < perClass.size() && files.size() < limit; k++) {
                if (round < perClass.get(k).size()) {
                    files.add(perClass.get(k).get(round));
                    labels.add(classes.indexOf(present.get(k)));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        if (files.isEmpty()) {
            throw new MalformedDataException(folder + ": its class folders " + present + " hold no image files ("
                    + String.join(", ", ImageLoader.EXTENSIONS) + ")");
        }
        int size = channels * height * width;
        limits.checkBytes(folder, (long) files.size() * size, files.size() + " images of " + channels + "x" + height + "x" + width);
        byte[] pixels = new byte[files.size() * size];
        String[] problems = new String[files.size()];
        IOException[] failures = new IOException[files.size()];
        IntStream.range(0, files.size()).parallel().forEach(i -> {
            try {
                byte[] image = ImageLoader.read(files.get(i), channels, height, width, limits);
                System.arraycopy(image, 0, pixels, i * size, size);
            } catch (IOException e) {
                failures[i] = e;
                problems[i] = e instanceof MalformedDataException ? e.getMessage() : files.get(i) + ": " + e;
            } catch (UncheckedIOException e) {
                failures[i] = e.getCause();
                problems[i] = files.get(i) + ": " + e.getCause();
            }
        });
        List<String> skipped = new ArrayList<>();
        int kept = 0;
        int[] keptLabels = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            if (failures[i] != null) {
                if (!skipBad) {
                    throw failures[i];
                }
                skipped.add(problems[i]);
                continue;
            }
            if (kept != i) {
                System.arraycopy(pixels, i * size, pixels, kept * size, size);
            }
            keptLabels[kept++] = labels.get(i);
        }
        if (kept == 0) {
            throw new MalformedDataException(folder + ": none of its " + files.size() + " image files could be read; "
                    + SkippedFiles.of(skipped).summary());
        }
        byte[] data = kept == files.size() ? pixels : Arrays.copyOf(pixels, kept * size);
        Dataset dataset = Dataset.ofPixels(folder.toString(), data, Arrays.copyOf(keptLabels, kept), channels, height, width,
                classes.size());
        return new Loaded(dataset, SkippedFiles.of(skipped));
    }

    /** The sorted names of {@code folder}'s visible sub-folders. */
    private static List<String> classNames(Path folder) throws IOException {
        List<String> names;
        try (Stream<Path> children = Files.list(folder)) {
            names = children.filter(Files::isDirectory).filter(child -> !hidden(child))
                    .map(child -> child.getFileName().toString()).sorted().toList();
        }
        if (names.isEmpty()) {
            throw new MalformedDataException(folder + ": no class folders; an image folder holds one sub-folder of images"
                    + " per class (" + folder + "/<class>/<image files>)");
        }
        return names;
    }

    /** The image files in {@code classFolder} and below, sorted by path. */
    private static List<Path> imageFiles(Path classFolder) throws IOException {
        try (Stream<Path> walk = Files.walk(classFolder)) {
            return walk.filter(Files::isRegularFile).filter(file -> !hidden(file)).filter(ImageLoader::isImageFile)
                    .sorted().toList();
        }
    }

    private static boolean containsImage(Path folder) {
        try (Stream<Path> walk = Files.walk(folder, 2)) {
            return walk.anyMatch(file -> Files.isRegularFile(file) && ImageLoader.isImageFile(file));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hidden(Path path) {
        return path.getFileName().toString().startsWith(".");
    }
}
