package dev.kiln.runtime.io;

import dev.kiln.runtime.data.Normalization;
import dev.kiln.runtime.data.Preprocessing;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Optimizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Saves and loads checkpoints: one file with everything needed to use a model or to resume
 * training exactly. Layout (big-endian; strings are a byte count then UTF-8; float arrays a count
 * then raw IEEE-754 bits):
 *
 * <pre>
 *   8 bytes   "KILNCKPT"
 *   int       format version (2; version 1 files, which end after the metadata, still load)
 *   string    model name, string architecture fingerprint ({@link Model#architecture()})
 *   long      step, long seed (with the step, the model's whole random state)
 *   int       parameter count; per parameter: string name (PyTorch state_dict key),
 *             int[] shape (PyTorch's), float[] values (PyTorch's layout, row-major)
 *   byte      1 if optimizer state follows, else 0; then string describe(), int entry count,
 *             per entry: string key, float[] values
 *   int       metadata count; per entry: string key, string value (sorted by key)
 *   byte      1 if the preprocessing follows, else 0; then int[] image shape (channels, height,
 *             width), byte 1 if a normalization follows: float[] means, float[] stds (one per
 *             channel, or one for all), int class-name count, per name: string
 *   32 bytes  SHA-256 of all the bytes above
 * </pre>
 *
 * A Python reader needs only {@code struct} and {@code numpy.frombuffer(..., '>f4')} to turn the
 * parameters into a PyTorch state_dict.
 */
public final class Checkpoints {
    static final byte[] MAGIC = "KILNCKPT".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 2;
    /** The first version, without the preprocessing section. */
    static final int FORMAT_VERSION_WITHOUT_PREPROCESSING = 1;
    static final int CHECKSUM_BYTES = 32;

    private Checkpoints() {
    }

    /**
     * Writes a checkpoint of {@code model} (and {@code optimizer}, which may be null) to {@code path},
     * replacing any previous file only once the new one is completely on disk. The same model,
     * optimizer and metadata always give the same bytes: the metadata is written sorted by key.
     * The values are written as they are, NaN included; {@link Checkpoint#restoreInto} refuses those.
     */
    public static void save(Path path, Model model, Optimizer optimizer, Map<String, String> metadata) throws IOException {
        save(path, model, optimizer, null, metadata);
    }

    /**
     * As {@link #save(Path, Model, Optimizer, Map)}, with how the training images were prepared
     * (null: not known), so that {@link Checkpoint#preprocessing()} gives it back to whoever loads the model.
     */
    public static void save(Path path, Model model, Optimizer optimizer, Preprocessing preprocessing,
            Map<String, String> metadata) throws IOException {
        List<Parameter> parameters = model.parameters();
        AtomicFile.write(path, stream -> {
            CheckpointOutput out = new CheckpointOutput(stream);
            out.bytes(MAGIC);
            out.int32(FORMAT_VERSION);
            out.string(model.name());
            out.string(model.architecture());
            out.int64(model.step());
            out.int64(model.seed());
            out.int32(parameters.size());
            for (Parameter p : parameters) {
                out.string(p.name());
                out.ints(p.pytorchShape());
                out.floats(p.toPytorch());
            }
            out.bool(optimizer != null);
            if (optimizer != null) {
                out.string(optimizer.describe());
                Map<String, float[]> state = optimizer.state();
                out.int32(state.size());
                for (Map.Entry<String, float[]> entry : state.entrySet()) {
                    out.string(entry.getKey());
                    out.floats(entry.getValue());
                }
            }
            out.int32(metadata.size());
            for (Map.Entry<String, String> entry : new TreeMap<>(metadata).entrySet()) {
                out.string(entry.getKey());
                out.string(entry.getValue());
            }
            writePreprocessing(out, preprocessing);
            out.finish();
        });
    }

    /** Reads a checkpoint, verifying its checksum before anything else is believed. */
    public static Checkpoint load(Path path) throws IOException {
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint " + path + " does not exist", e);
        }
        if (size < MAGIC.length || !Arrays.equals(readMagic(path), MAGIC)) {
            throw new CheckpointException("checkpoint " + path + " is not a Kiln checkpoint (it does not start with \"KILNCKPT\")");
        }
        if (size < MAGIC.length + 4 + CHECKSUM_BYTES) {
            throw new CheckpointException("checkpoint " + path + " is truncated: only " + size + " bytes");
        }
        verifyChecksum(path, size);
        try (InputStream stream = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            CheckpointInput in = new CheckpointInput(path, stream, size - CHECKSUM_BYTES);
            in.bytes(MAGIC.length, "the magic");
            int version = in.int32("the format version");
            if (version != FORMAT_VERSION && version != FORMAT_VERSION_WITHOUT_PREPROCESSING) {
                throw new CheckpointException("checkpoint " + path + " has format version " + version
                        + "; this Kiln reads versions " + FORMAT_VERSION_WITHOUT_PREPROCESSING + " and " + FORMAT_VERSION);
            }
            String modelName = in.string("the model name");
            String architecture = in.string("the architecture");
            long step = in.int64("the step");
            long seed = in.int64("the seed");
            int parameterCount = in.int32("the parameter count");
            Map<String, Checkpoint.Tensor> parameters = new LinkedHashMap<>();
            for (int i = 0; i < parameterCount; i++) {
                String name = in.string("a parameter name");
                int[] shape = in.ints(name + "'s shape");
                float[] values = in.floats(name + "'s values");
                long expected = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
                if (expected != values.length) {
                    throw new CheckpointException("checkpoint " + path + ": " + name + " has shape " + Arrays.toString(shape)
                            + " but " + values.length + " values");
                }
                parameters.put(name, new Checkpoint.Tensor(shape, values));
            }
            String optimizerDescription = null;
            Map<String, float[]> optimizerState = null;
            if (in.bool("the optimizer flag")) {
                optimizerDescription = in.string("the optimizer description");
                int entries = in.int32("the optimizer entry count");
                optimizerState = new LinkedHashMap<>();
                for (int i = 0; i < entries; i++) {
                    String key = in.string("an optimizer entry name");
                    optimizerState.put(key, in.floats("optimizer entry " + key));
                }
            }
            int metadataCount = in.int32("the metadata count");
            Map<String, String> metadata = new LinkedHashMap<>();
            for (int i = 0; i < metadataCount; i++) {
                String key = in.string("a metadata key");
                metadata.put(key, in.string("metadata " + key));
            }
            Preprocessing preprocessing = version == FORMAT_VERSION_WITHOUT_PREPROCESSING ? null : readPreprocessing(in, path);
            if (in.remaining() != 0) {
                throw new CheckpointException("checkpoint " + path + " has " + in.remaining() + " unexpected bytes before its checksum");
            }
            return new Checkpoint(path, version, modelName, architecture, step, seed, parameters, optimizerDescription,
                    optimizerState, metadata, preprocessing);
        }
    }

    private static void writePreprocessing(CheckpointOutput out, Preprocessing preprocessing) throws IOException {
        out.bool(preprocessing != null);
        if (preprocessing == null) {
            return;
        }
        out.ints(preprocessing.shape());
        Normalization normalization = preprocessing.normalization();
        out.bool(normalization != null);
        if (normalization != null) {
            out.floats(normalization.means());
            out.floats(normalization.stds());
        }
        out.int32(preprocessing.classNames().size());
        for (String name : preprocessing.classNames()) {
            out.string(name);
        }
    }

    private static Preprocessing readPreprocessing(CheckpointInput in, Path path) throws IOException {
        if (!in.bool("the preprocessing flag")) {
            return null;
        }
        int[] shape = in.ints("the image shape");
        Normalization normalization = null;
        try {
            if (shape.length != 3) {
                throw new IllegalArgumentException("the image shape has " + shape.length + " sizes, not 3");
            }
            if (in.bool("the normalization flag")) {
                normalization = Normalization.perChannel(in.floats("the normalization means"), in.floats("the normalization stds"));
            }
            int names = in.int32("the class-name count");
            // Each name takes at least its 4-byte length: a damaged count cannot allocate more than the file holds.
            if (names < 0 || 4L * names > in.remaining()) {
                throw new IllegalArgumentException(names + " class names cannot fit in the " + in.remaining() + " bytes left");
            }
            List<String> classNames = new java.util.ArrayList<>(names);
            for (int i = 0; i < names; i++) {
                classNames.add(in.string("class name " + i));
            }
            return new Preprocessing(shape[0], shape[1], shape[2], normalization, classNames);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + path + " has a malformed preprocessing section: " + e.getMessage(), e);
        }
    }

    private static byte[] readMagic(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(MAGIC.length);
        }
    }

    private static void verifyChecksum(Path path, long size) throws IOException {
        MessageDigest digest = newSha256();
        byte[] stored;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            byte[] buffer = new byte[1 << 16];
            long left = size - CHECKSUM_BYTES;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new CheckpointException("checkpoint " + path + " is truncated: it shrank while being read");
                }
                digest.update(buffer, 0, n);
                left -= n;
            }
            stored = in.readNBytes(CHECKSUM_BYTES);
        }
        if (!MessageDigest.isEqual(stored, digest.digest())) {
            throw new CheckpointException("checkpoint " + path + " is corrupted: checksum mismatch (the file is damaged or"
                    + " was cut short; " + size + " bytes)");
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
