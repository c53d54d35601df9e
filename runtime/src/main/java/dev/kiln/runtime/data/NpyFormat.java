package dev.kiln.runtime.data;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads NumPy {@code .npy} files (format versions 1, 2 and 3), as {@code numpy.save} writes them:
 * images in one file, integer labels in another.
 *
 * <ul>
 *   <li><b>Images</b>: {@code uint8} (0..255, kept as bytes and scaled by 1/255, as every Kiln data
 *       set) or {@code float32} (taken as they are, e.g. already in [0, 1]), in C order, shaped
 *       {@code (N, H, W)} (one channel), {@code (N, C, H, W)} (PyTorch's order) or
 *       {@code (N, H, W, C)} (Keras's and TensorFlow's, transposed on load). A 4-D shape is read as
 *       channels-first when its second dimension is 1 or 3 and its last is not, as channels-last
 *       when its last is 1 or 3 and its second is not; any other 4-D shape is refused as
 *       ambiguous.</li>
 *   <li><b>Labels</b>: a 1-D array of {@code int64}, {@code int32} or {@code uint8} (any byte
 *       order), one per image, each in 0..classes-1.</li>
 *   <li><b>Checks</b>, each an error naming the file: the magic string and version; a header that
 *       is a dict of exactly {@code descr}, {@code fortran_order} and {@code shape}; Fortran order
 *       (refused: transpose with {@code np.ascontiguousarray}); an unsupported dtype; a shape whose
 *       size does not match the bytes after the header (a truncated file), checked before anything
 *       is allocated, as is {@link Limits#maxBytes()}.</li>
 * </ul>
 *
 * A folder in Keras's {@code mnist.load_data()} naming, {@code x_train.npy}, {@code y_train.npy},
 * {@code x_test.npy} and {@code y_test.npy}, loads with {@link #loadFolder}.
 */
public final class NpyFormat {
    public static final String TRAIN_IMAGES = "x_train.npy";
    public static final String TRAIN_LABELS = "y_train.npy";
    public static final String TEST_IMAGES = "x_test.npy";
    public static final String TEST_LABELS = "y_test.npy";
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy itself refuses headers longer than this when reading. */
    private static final int MAX_HEADER = 1 << 20;

    private NpyFormat() {
    }

    /** True when {@code folder} holds the four files of {@link #loadFolder}. */
    public static boolean looksLike(Path folder) {
        return List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS).stream()
                .allMatch(name -> Files.isRegularFile(folder.resolve(name)));
    }

    /** x_train.npy, y_train.npy, x_test.npy and y_test.npy from {@code folder}; classes: the largest label + 1. */
    public static TrainAndTest loadFolder(Path folder, Limits limits) throws IOException {
        Labels trainLabels = readLabels(folder.resolve(TRAIN_LABELS), limits.train(), limits);
        Labels testLabels = readLabels(folder.resolve(TEST_LABELS), limits.test(), limits);
        int classes = Math.max(max(trainLabels.kept), max(testLabels.kept)) + 1;
        return new TrainAndTest(load(folder.resolve(TRAIN_IMAGES), trainLabels, folder.resolve(TRAIN_LABELS), classes, limits),
                load(folder.resolve(TEST_IMAGES), testLabels, folder.resolve(TEST_LABELS), classes, limits));
    }

    /** Images and labels from two files; classes: the largest label + 1. */
    public static Dataset load(Path images, Path labels) throws IOException {
        Labels classOf = readLabels(labels, Integer.MAX_VALUE, Limits.NONE);
        return load(images, classOf, labels, max(classOf.kept) + 1, Limits.NONE);
    }

    /** The first {@code limit} images and labels of two files, with {@code classes} classes. */
    public static Dataset load(Path images, Path labels, int classes, int limit, Limits limits) throws IOException {
        return load(images, readLabels(labels, limit, limits), labels, classes, limits);
    }

    private static Dataset load(Path images, Labels labelArray, Path labelsFile, int classes, Limits limits) throws IOException {
        int[] labels = labelArray.kept;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new MalformedDataException(labelsFile + ": label " + labels[i] + " of item " + i + " is outside 0.."
                        + (classes - 1));
            }
        }
        try (InputStream in = Files.newInputStream(images)) {
            Header header = Header.read(images, in, Files.size(images));
            int[] shape = header.shape;
            if (shape.length != 3 && shape.length != 4) {
                throw new MalformedDataException(images + ": images must be shaped (N, H, W), (N, C, H, W) or (N, H, W, C);"
                        + " the header says " + header.shapeText());
            }
            if (!header.descr.endsWith("u1") && !header.descr.endsWith("f4")) {
                throw new MalformedDataException(images + ": images must be uint8 or float32, the header says '" + header.descr
                        + "'");
            }
            boolean channelsLast = shape.length == 4 && channelsLast(images, header);
            int channels = shape.length == 3 ? 1 : channelsLast ? shape[3] : shape[1];
            int height = channelsLast || shape.length == 3 ? shape[1] : shape[2];
            int width = channelsLast || shape.length == 3 ? shape[2] : shape[3];
            if (shape[0] != labelArray.total) {
                throw new MalformedDataException(images + " holds " + shape[0] + " images but " + labelsFile + " holds "
                        + labelArray.total + " labels");
            }
            int count = labels.length;
            long values = (long) count * channels * height * width;
            limits.checkBytes(images, values * header.itemSize, count + " images of " + header.shapeText());
            if (header.descr.endsWith("u1")) {
                byte[] pixels = new byte[(int) values];
                readFully(images, in, pixels);
                return Dataset.ofPixels(images.toString(), channelsLast ? toChannelsFirst(pixels, count, height, width, channels)
                        : pixels, labels, channels, height, width, classes);
            }
            float[] floats = readFloats(images, in, (int) values, header.descr.startsWith(">"));
            return Dataset.ofFloats(images.toString(), channelsLast ? toChannelsFirst(floats, count, height, width, channels)
                    : floats, labels, channels, height, width, classes);
        }
    }

    /** Whether a 4-D image array is (N, H, W, C); refuses shapes that could be read either way. */
    private static boolean channelsLast(Path file, Header header) throws MalformedDataException {
        int second = header.shape[1];
        int last = header.shape[3];
        boolean firstLike = second == 1 || second == 3;
        boolean lastLike = last == 1 || last == 3;
        if (firstLike != lastLike) {
            return lastLike;
        }
        throw new MalformedDataException(file + ": cannot tell the channels of shape " + header.shapeText()
                + ": images are (N, C, H, W) or (N, H, W, C) with 1 or 3 channels in exactly one of those places");
    }

    /** The first labels of a file, and how many it holds. */
    private record Labels(int[] kept, int total) {
    }

    /** The labels, at most {@code limit}, as ints. */
    private static Labels readLabels(Path file, int limit, Limits limits) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Header header = Header.read(file, in, Files.size(file));
            if (header.shape.length != 1) {
                throw new MalformedDataException(file + ": labels must be a 1-D array, the header says " + header.shapeText());
            }
            String type = header.descr.substring(1);
            if (!type.equals("i8") && !type.equals("i4") && !type.equals("u1")) {
                throw new MalformedDataException(file + ": labels must be int64, int32 or uint8, the header says '"
                        + header.descr + "'");
            }
            int count = Math.min(limit, header.shape[0]);
            limits.checkBytes(file, (long) count * header.itemSize, count + " labels");
            byte[] raw = new byte[count * header.itemSize];
            readFully(file, in, raw);
            ByteBuffer buffer = ByteBuffer.wrap(raw).order(header.descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                long value = switch (type) {
                    case "i8" -> buffer.getLong();
                    case "i4" -> buffer.getInt();
                    default -> buffer.get() & 0xFF;
                };
                if (value < 0 || value > Integer.MAX_VALUE) {
                    throw new MalformedDataException(file + ": label " + value + " of item " + i + " is negative or too large");
                }
                labels[i] = (int) value;
            }
            return new Labels(labels, header.shape[0]);
        }
    }

    private static int max(int[] values) {
        return Arrays.stream(values).max().orElse(0);
    }

    private static void readFully(Path file, InputStream in, byte[] into) throws IOException {
        if (in.readNBytes(into, 0, into.length) < into.length) {
            throw new MalformedDataException(file + ": the file ends early (truncated)");
        }
    }

    /** Reads floats in chunks, so that no second buffer of the whole array is needed. */
    private static float[] readFloats(Path file, InputStream in, int count, boolean bigEndian) throws IOException {
        float[] values = new float[count];
        byte[] chunk = new byte[1 << 16];
        ByteBuffer buffer = ByteBuffer.wrap(chunk).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < count; ) {
            int n = Math.min(count - done, chunk.length / 4);
            if (in.readNBytes(chunk, 0, 4 * n) < 4 * n) {
                throw new MalformedDataException(file + ": the file ends early (truncated)");
            }
            buffer.clear();
            buffer.asFloatBuffer().get(values, done, n);
            done += n;
        }
        return values;
    }

    private static byte[] toChannelsFirst(byte[] hwc, int count, int height, int width, int channels) {
        byte[] chw = new byte[hwc.length];
        forEachChannelsLastIndex(count, height * width, channels, (from, to) -> chw[to] = hwc[from]);
        return chw;
    }

    private static float[] toChannelsFirst(float[] hwc, int count, int height, int width, int channels) {
        float[] chw = new float[hwc.length];
        forEachChannelsLastIndex(count, height * width, channels, (from, to) -> chw[to] = hwc[from]);
        return chw;
    }

    /** Moves one value from its (N, H, W, C) index to its (N, C, H, W) index. */
    private interface IndexMove {
        void move(int from, int to);
    }

    /** Calls {@code move} for every value, with its channels-last and channels-first index. */
    private static void forEachChannelsLastIndex(int count, int plane, int channels, IndexMove move) {
        for (int n = 0; n < count; n++) {
            int base = n * plane * channels;
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < channels; c++) {
                    move.move(base + p * channels + c, base + c * plane + p);
                }
            }
        }
    }

    /** A checked .npy header: dtype, shape, and the size of one item. */
    record Header(String descr, int[] shape, int itemSize) {

        String shapeText() {
            return Arrays.toString(shape).replace('[', '(').replace(']', ')');
        }

        /** Reads and checks the header from {@code in}, leaving it at the first data byte. */
        static Header read(Path file, InputStream in, long fileSize) throws IOException {
            byte[] start = in.readNBytes(8);
            if (start.length < 8 || !Arrays.equals(Arrays.copyOf(start, 6), MAGIC)) {
                throw new MalformedDataException(file + ": not a NumPy .npy file (it does not start with \\x93NUMPY)");
            }
            int major = start[6];
            if (major < 1 || major > 3) {
                throw new MalformedDataException(file + ": .npy format version " + major + "." + start[7]
                        + " is not one of 1, 2 and 3");
            }
            byte[] lengthBytes = in.readNBytes(major == 1 ? 2 : 4);
            if (lengthBytes.length < (major == 1 ? 2 : 4)) {
                throw new MalformedDataException(file + ": the file ends inside the .npy header");
            }
            ByteBuffer length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = major == 1 ? length.getShort() & 0xFFFF : length.getInt() & 0xFFFFFFFFL;
            long dataStart = 8 + lengthBytes.length + headerLength;
            if (headerLength > MAX_HEADER || dataStart > fileSize) {
                throw new MalformedDataException(file + ": the .npy header claims " + headerLength + " bytes; the file has "
                        + fileSize);
            }
            byte[] text = in.readNBytes((int) headerLength);
            Map<String, String> dict = parseDict(file, new String(text, major == 3 ? StandardCharsets.UTF_8
                    : StandardCharsets.ISO_8859_1).trim());
            if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
                throw new MalformedDataException(file + ": the .npy header must have the keys descr, fortran_order and shape;"
                        + " it has " + dict.keySet());
            }
            if (!dict.get("fortran_order").equals("False")) {
                throw new MalformedDataException(file + ": the array is in Fortran order (fortran_order: "
                        + dict.get("fortran_order") + "); save it in C order, e.g. np.save(f, np.ascontiguousarray(a))");
            }
            String descr = unquote(file, dict.get("descr"));
            int itemSize = switch (descr) {
                case "|u1", "<u1", ">u1" -> 1;
                case "<f4", ">f4", "<i4", ">i4" -> 4;
                case "<i8", ">i8" -> 8;
                default -> throw new MalformedDataException(file + ": dtype '" + descr + "' is not supported; images are"
                        + " uint8 ('|u1') or float32 ('<f4'), labels int64, int32 or uint8");
            };
            int[] shape = parseShape(file, dict.get("shape"));
            BigInteger bytes = BigInteger.valueOf(itemSize);
            for (int d : shape) {
                bytes = bytes.multiply(BigInteger.valueOf(d));
            }
            long remaining = fileSize - dataStart;
            if (!bytes.equals(BigInteger.valueOf(remaining))) {
                Header header = new Header(descr, shape, itemSize);
                throw new MalformedDataException(file + ": the header declares shape " + header.shapeText() + " of '" + descr
                        + "' (" + bytes + " bytes), but the file holds " + remaining + " bytes after the header"
                        + (bytes.compareTo(BigInteger.valueOf(remaining)) > 0 ? " (truncated)" : ""));
            }
            return new Header(descr, shape, itemSize);
        }

        /** A Python dict literal of string keys and simple values: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }. */
        private static Map<String, String> parseDict(Path file, String text) throws MalformedDataException {
            if (!text.startsWith("{") || !text.endsWith("}")) {
                throw new MalformedDataException(file + ": the .npy header is not a Python dict: " + shorten(text));
            }
            Map<String, String> dict = new LinkedHashMap<>();
            String body = text.substring(1, text.length() - 1);
            int i = 0;
            while (true) {
                while (i < body.length() && (body.charAt(i) == ' ' || body.charAt(i) == ',')) {
                    i++;
                }
                if (i == body.length()) {
                    return dict;
                }
                int colon = body.indexOf(':', i);
                if (colon < 0) {
                    throw new MalformedDataException(file + ": cannot read the .npy header: " + shorten(text));
                }
                String key = unquote(file, body.substring(i, colon).trim());
                int end = colon + 1;
                while (end < body.length() && body.charAt(end) == ' ') {
                    end++;
                }
                int valueStart = end;
                if (end < body.length() && body.charAt(end) == '(') {
                    end = body.indexOf(')', end) + 1;
                } else if (end < body.length() && (body.charAt(end) == '\'' || body.charAt(end) == '"')) {
                    end = body.indexOf(body.charAt(end), end + 1) + 1;
                } else {
                    while (end < body.length() && body.charAt(end) != ',') {
                        end++;
                    }
                }
                if (end <= valueStart) {
                    throw new MalformedDataException(file + ": cannot read the .npy header: " + shorten(text));
                }
                dict.put(key, body.substring(valueStart, end).trim());
                i = end;
            }
        }

        private static String unquote(Path file, String text) throws MalformedDataException {
            if (text.length() >= 2 && (text.charAt(0) == '\'' || text.charAt(0) == '"') && text.endsWith(text.substring(0, 1))) {
                return text.substring(1, text.length() - 1);
            }
            throw new MalformedDataException(file + ": expected a quoted string in the .npy header, found " + shorten(text));
        }

        private static int[] parseShape(Path file, String text) throws MalformedDataException {
            if (!text.startsWith("(") || !text.endsWith(")")) {
                throw new MalformedDataException(file + ": the .npy shape is not a tuple: " + shorten(text));
            }
            List<Integer> dims = new ArrayList<>();
            for (String part : text.substring(1, text.length() - 1).split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                try {
                    long d = Long.parseLong(part.trim().replace("L", ""));
                    if (d < 0 || d > Integer.MAX_VALUE) {
                        throw new MalformedDataException(file + ": shape " + text + " has a dimension outside 0.."
                                + Integer.MAX_VALUE);
                    }
                    dims.add((int) d);
                } catch (NumberFormatException e) {
                    throw new MalformedDataException(file + ": the .npy shape " + text + " is not a tuple of whole numbers");
                }
            }
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }

        private static String shorten(String text) {
            return text.length() > 120 ? text.substring(0, 120) + "..." : text;
        }
    }

}
