package dev.kiln.runtime.data;

import dev.kiln.runtime.train.Examples;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Labelled images, each channels x height x width (the layout models take), scaled to [0, 1] and
 * optionally normalized by a {@link Normalization}.
 *
 * <p>Pixels are kept as stored: unsigned bytes (a quarter of the memory of floats; scaled when
 * copied out) or floats. Subsets, splits and normalized views share that storage, so they are
 * cheap. {@link #fill} copies a batch into arrays the caller reuses: no allocation per batch.
 */
public final class Dataset implements Examples {
    private final String name;
    private final byte[] pixels;
    private final float[] values;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    /** Example i of this view is stored example {@code indices[i]}; null: all stored examples in order. */
    private final int[] indices;
    private final Normalization normalization;

    private Dataset(String name, byte[] pixels, float[] values, int[] labels, int channels, int height, int width,
            int classes, int[] indices, Normalization normalization) {
        this.name = name;
        this.pixels = pixels;
        this.values = values;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.indices = indices;
        this.normalization = normalization;
    }

    /** Images stored as unsigned bytes 0..255, scaled by 1/255 when copied out. */
    public static Dataset ofPixels(String name, byte[] pixels, int[] labels, int channels, int height, int width, int classes) {
        checkShape(name, pixels.length, labels, channels, height, width, classes);
        return new Dataset(name, pixels, null, labels, channels, height, width, classes, null, null);
    }

    /** Images stored as floats, copied out as they are (before any normalization). */
    public static Dataset ofFloats(String name, float[] images, int[] labels, int channels, int height, int width, int classes) {
        checkShape(name, images.length, labels, channels, height, width, classes);
        return new Dataset(name, null, images, labels, channels, height, width, classes, null, null);
    }

    private static void checkShape(String name, long stored, int[] labels, int channels, int height, int width, int classes) {
        if (channels < 1 || height < 1 || width < 1 || classes < 1) {
            throw new IllegalArgumentException(name + ": shape " + channels + "x" + height + "x" + width + " with "
                    + classes + " classes");
        }
        long expected = (long) labels.length * channels * height * width;
        if (stored != expected) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels of " + channels + "x" + height + "x"
                    + width + " images need " + expected + " values, got " + stored);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of example " + i + " is outside 0.."
                        + (classes - 1));
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return indices == null ? labels.length : indices.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Values per image: channels * height * width. */
    public int exampleSize() {
        return channels * height * width;
    }

    public int classes() {
        return classes;
    }

    @Override
    public int[] exampleShape() {
        return new int[] {channels, height, width};
    }

    /** The normalization applied when images are copied out; null: none. */
    public Normalization normalization() {
        return normalization;
    }

    public int label(int example) {
        return labels[stored(example)];
    }

    /** How many examples each class has. */
    public int[] labelCounts() {
        int[] counts = new int[classes];
        for (int e = 0; e < size(); e++) {
            counts[label(e)]++;
        }
        return counts;
    }

    /** A new array holding one image (for single predictions; batches use {@link #fill}). */
    public float[] image(int example) {
        float[] image = new float[exampleSize()];
        copyImage(example, image, 0);
        return image;
    }

    /** Copies one image, scaled and normalized, into {@code destination} from {@code offset}. */
    public void copyImage(int example, float[] destination, int offset) {
        int plane = height * width;
        int source = stored(example) * exampleSize();
        for (int c = 0; c < channels; c++) {
            int from = source + c * plane;
            int to = offset + c * plane;
            if (pixels != null) {
                for (int j = 0; j < plane; j++) {
                    destination[to + j] = (pixels[from + j] & 0xFF) / 255f;
                }
            } else {
                System.arraycopy(values, from, destination, to, plane);
            }
        }
        if (normalization != null) {
            normalization.apply(destination, offset, channels, plane);
        }
    }

    @Override
    public void fill(int[] order, int from, int count, float[] images, int[] batchLabels) {
        if (count < 0 || from < 0 || from + count > order.length) {
            throw new IndexOutOfBoundsException("examples " + from + ".." + (from + count) + " of an order of " + order.length);
        }
        if (images.length < count * exampleSize() || batchLabels.length < count) {
            throw new IllegalArgumentException("a batch of " + count + " needs " + count * exampleSize() + " image values and "
                    + count + " labels; got arrays of " + images.length + " and " + batchLabels.length);
        }
        for (int k = 0; k < count; k++) {
            int example = order[from + k];
            copyImage(example, images, k * exampleSize());
            batchLabels[k] = label(example);
        }
    }

    /**
     * A permutation of 0..size-1 that depends only on {@code seed} and {@code epoch}: a Fisher-Yates
     * shuffle driven by a {@link SplittableRandom} seeded from both.
     */
    @Override
    public int[] order(long seed, int epoch) {
        int[] order = new int[size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        shuffle(order, new SplittableRandom(mix(seed, epoch)));
        return order;
    }

    /** Examples 0..count-1 in their natural order, e.g. a quick subset for a test. */
    public Dataset first(int count) {
        if (count < 0 || count > size()) {
            throw new IllegalArgumentException(name + ": cannot take " + count + " of " + size() + " examples");
        }
        int[] chosen = new int[count];
        for (int i = 0; i < count; i++) {
            chosen[i] = i;
        }
        return subset(chosen);
    }

    /** The examples at {@code examples} (indices into this dataset), sharing storage. */
    public Dataset subset(int[] examples) {
        int[] stored = new int[examples.length];
        for (int i = 0; i < examples.length; i++) {
            if (examples[i] < 0 || examples[i] >= size()) {
                throw new IndexOutOfBoundsException(name + ": example " + examples[i] + " of " + size());
            }
            stored[i] = stored(examples[i]);
        }
        return new Dataset(name, pixels, values, labels, channels, height, width, classes, stored, normalization);
    }

    /** The same examples, copied out with {@code normalization} (null: none). */
    public Dataset withNormalization(Normalization normalization) {
        if (normalization != null && normalization.channels() != 1 && normalization.channels() != channels) {
            throw new IllegalArgumentException(name + ": " + normalization + " is for " + normalization.channels()
                    + " channels, the images have " + channels);
        }
        return new Dataset(name, pixels, values, labels, channels, height, width, classes, indices, normalization);
    }

    /** A training and a validation part. */
    public record Split(Dataset training, Dataset validation) {
    }

    /**
     * Puts a seeded random {@code fraction} of the examples (rounded) aside for validation; each part
     * keeps the examples in their original relative order.
     */
    public Split split(double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("the validation fraction must be in [0, 1), got " + fraction);
        }
        int[] shuffled = new int[size()];
        for (int i = 0; i < shuffled.length; i++) {
            shuffled[i] = i;
        }
        shuffle(shuffled, new SplittableRandom(mix(seed, -1)));
        int validationSize = (int) Math.round(size() * fraction);
        int[] validation = Arrays.copyOfRange(shuffled, 0, validationSize);
        int[] training = Arrays.copyOfRange(shuffled, validationSize, shuffled.length);
        Arrays.sort(validation);
        Arrays.sort(training);
        return new Split(subset(training), subset(validation));
    }

    private int stored(int example) {
        return indices == null ? example : indices[example];
    }

    /** One stream per (seed, epoch): the golden-ratio step keeps nearby epochs' seeds far apart. */
    private static long mix(long seed, int epoch) {
        return seed ^ (0x9E3779B97F4A7C15L * (epoch + 1L));
    }

    private static void shuffle(int[] array, SplittableRandom random) {
        for (int i = array.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = array[i];
            array[i] = array[j];
            array[j] = swap;
        }
    }

    @Override
    public String toString() {
        return name + ": " + size() + " images of " + channels + "x" + height + "x" + width + ", " + classes + " classes"
                + (normalization == null ? "" : ", " + normalization);
    }
}
