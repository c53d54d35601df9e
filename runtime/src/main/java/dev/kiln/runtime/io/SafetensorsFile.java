package dev.kiln.runtime.io;

import dev.kiln.runtime.io.SafetensorsException.Problem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file whose header has been read and checked: an 8-byte little-endian header
 * length N, N bytes of UTF-8 JSON ({@code {"name": {"dtype": "F32", "shape": [..],
 * "data_offsets": [begin, end]}, ..., "__metadata__": {str: str}}}), then the tensors' raw
 * little-endian bytes, offsets counted from the end of the header.
 *
 * <p>Opening it reads only the header, after checking its length against
 * {@link #MAX_HEADER_BYTES} and the file's size, so a hostile length cannot make it allocate
 * more than that. It then insists that the tensors tile the byte buffer exactly: each tensor's
 * offsets span its shape times its dtype's size, none reaches past the buffer, none overlaps
 * another, no gap and no trailing byte. Reading a tensor allocates only what its checked offsets
 * span. Nothing in the file is ever executed (unlike a pickled PyTorch checkpoint).
 *
 * <p>Instances are immutable; {@link #floats} opens the file anew on each call, so several
 * threads may read one instance at once.
 */
public final class SafetensorsFile {
    /** The largest header accepted: 100 MB, the limit of the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";

    /** One tensor as its header entry describes it; offsets are relative to the byte buffer. */
    public record Entry(String name, SafetensorsDType dtype, int[] shape, long begin, long end) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** Values in the tensor: the product of the shape (1 for a scalar). */
        public long count() {
            long count = 1;
            for (int size : shape) {
                count *= size;
            }
            return count;
        }
    }

    private final Path path;
    private final long bufferStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, long bufferStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.bufferStart = bufferStart;
        this.entries = Collections.unmodifiableMap(entries);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Reads and checks the header of {@code path}; the tensors stay on disk until {@link #floats}. */
    public static SafetensorsFile open(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer lengthBytes = readFully(channel, 0, 8, path, size);
            long headerLength = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            // Unsigned: a length with the top bit set is negative here and over the limit in truth.
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw new SafetensorsException(Problem.HEADER_TOO_LARGE, path + ": the header length is "
                        + Long.toUnsignedString(headerLength) + " bytes, over the limit of " + MAX_HEADER_BYTES);
            }
            if (headerLength > size - 8) {
                throw new SafetensorsException(Problem.TRUNCATED, path + ": the header length is " + headerLength
                        + " bytes, but only " + (size - 8) + " bytes follow the length");
            }
            byte[] header = new byte[(int) headerLength];
            readFully(channel, 8, (int) headerLength, path, size).get(header);
            Map<String, Object> json = HeaderJson.parseObject(header, path.toString());
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (Map.Entry<String, Object> member : json.entrySet()) {
                if (member.getKey().equals(METADATA_KEY)) {
                    metadata = metadata(member.getValue(), path);
                } else {
                    entries.put(member.getKey(), entry(member.getKey(), member.getValue(), path));
                }
            }
            checkTiling(entries.values(), size - 8 - headerLength, path);
            return new SafetensorsFile(path, 8 + headerLength, entries, metadata);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("safetensors file " + path + " does not exist", e);
        }
    }

    public Path path() {
        return path;
    }

    /** The tensors in the header's order. */
    public List<Entry> tensors() {
        return List.copyOf(entries.values());
    }

    /** The tensor named {@code name}, or null. */
    public Entry tensor(String name) {
        return entries.get(name);
    }

    /** The header's {@code __metadata__} (empty when it has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The values of tensor {@code name} as float32, row-major over its shape, converted from F16, BF16 or F64 when stored so. */
    public float[] floats(String name) throws IOException {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new SafetensorsException(Problem.MISSING_TENSOR, path + " has no tensor \"" + name + "\"; it has "
                    + entries.keySet());
        }
        if (!entry.dtype().convertsToFloat()) {
            throw new SafetensorsException(Problem.UNSUPPORTED_DTYPE, path + ": tensor \"" + name + "\" is "
                    + entry.dtype() + "; Kiln reads F32, and converts F16, BF16 and F64");
        }
        if (entry.count() > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(Problem.TENSOR_TOO_LARGE, path + ": tensor \"" + name + "\" has "
                    + entry.count() + " values, more than a Java array holds");
        }
        float[] values = new float[(int) entry.count()];
        int elementBytes = entry.dtype().bytes();
        int perChunk = (1 << 16) / elementBytes;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            for (int done = 0; done < values.length; ) {
                int n = Math.min(perChunk, values.length - done);
                ByteBuffer chunk = readFully(channel, bufferStart + entry.begin() + (long) done * elementBytes,
                        n * elementBytes, path, size);
                entry.dtype().toFloats(chunk.order(ByteOrder.LITTLE_ENDIAN), values, done, n);
                done += n;
            }
        }
        return values;
    }

    private static Map<String, String> metadata(Object value, Path path) throws SafetensorsException {
        if (!(value instanceof Map<?, ?> map)) {
            throw malformed(path, "\"" + METADATA_KEY + "\" must be an object of strings");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> item : map.entrySet()) {
            if (!(item.getValue() instanceof String text)) {
                throw malformed(path, "\"" + METADATA_KEY + "\" entry \"" + item.getKey() + "\" must be a string");
            }
            metadata.put((String) item.getKey(), text);
        }
        return metadata;
    }

    private static Entry entry(String name, Object value, Path path) throws SafetensorsException {
        if (!(value instanceof Map<?, ?> fields)) {
            throw malformed(path, "tensor \"" + name + "\" must be an object with dtype, shape and data_offsets");
        }
        for (Object key : fields.keySet()) {
            if (!List.of("dtype", "shape", "data_offsets").contains(key)) {
                throw malformed(path, "tensor \"" + name + "\" has an unknown field \"" + key + "\"");
            }
        }
        if (!(fields.get("dtype") instanceof String dtypeName)) {
            throw malformed(path, "tensor \"" + name + "\" needs a string \"dtype\"");
        }
        SafetensorsDType dtype = SafetensorsDType.byName(dtypeName);
        if (dtype == null) {
            throw new SafetensorsException(Problem.UNSUPPORTED_DTYPE, path + ": tensor \"" + name + "\" has dtype \""
                    + dtypeName + "\", which the safetensors format does not define");
        }
        long[] shape = integers(fields.get("shape"), -1, "shape", name, path);
        long[] offsets = integers(fields.get("data_offsets"), 2, "data_offsets", name, path);
        int[] dims = new int[shape.length];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw new SafetensorsException(Problem.TENSOR_TOO_LARGE, path + ": tensor \"" + name + "\" has a dimension of "
                        + shape[i]);
            }
            dims[i] = (int) shape[i];
            try {
                count = Math.multiplyExact(count, shape[i]);
            } catch (ArithmeticException e) {
                throw new SafetensorsException(Problem.TENSOR_TOO_LARGE, path + ": tensor \"" + name + "\" has shape "
                        + Arrays.toString(shape) + ", too many values to count");
            }
        }
        if (offsets[0] > offsets[1]) {
            throw malformed(path, "tensor \"" + name + "\" has data_offsets [" + offsets[0] + ", " + offsets[1]
                    + "] that end before they begin");
        }
        long needed = count > Long.MAX_VALUE / dtype.bytes() ? -1 : count * dtype.bytes();
        if (offsets[1] - offsets[0] != needed) {
            throw new SafetensorsException(Problem.SIZE_MISMATCH, path + ": tensor \"" + name + "\" is " + dtype + " of shape "
                    + Arrays.toString(dims) + ", " + (needed < 0 ? "too many" : Long.toString(needed)) + " bytes, but its data_offsets ["
                    + offsets[0] + ", " + offsets[1] + "] span " + (offsets[1] - offsets[0]));
        }
        return new Entry(name, dtype, dims, offsets[0], offsets[1]);
    }

    /** A JSON array of non-negative integers ({@code length} of them unless it is -1). */
    private static long[] integers(Object value, int length, String field, String name, Path path) throws SafetensorsException {
        if (!(value instanceof List<?> items) || (length >= 0 && items.size() != length)) {
            throw malformed(path, "tensor \"" + name + "\" needs \"" + field + "\" as an array of "
                    + (length >= 0 ? length + " " : "") + "integers");
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Long number) || number < 0) {
                throw malformed(path, "tensor \"" + name + "\" has \"" + field + "\" " + items
                        + "; each entry must be an integer of at least 0");
            }
            out[i] = number;
        }
        return out;
    }

    /** The tensors must cover [0, bufferLength) exactly once, in some order. */
    private static void checkTiling(Iterable<Entry> entries, long bufferLength, Path path) throws SafetensorsException {
        List<Entry> byOffset = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.end() > bufferLength) {
                throw new SafetensorsException(Problem.OFFSETS_OUT_OF_RANGE, path + ": tensor \"" + entry.name()
                        + "\" has data_offsets [" + entry.begin() + ", " + entry.end() + "] but the byte buffer holds only "
                        + bufferLength + " bytes");
            }
            byOffset.add(entry);
        }
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry entry : byOffset) {
            if (entry.begin() < covered) {
                throw new SafetensorsException(Problem.OVERLAPPING, path + ": tensors \"" + previous.name() + "\" ["
                        + previous.begin() + ", " + previous.end() + ") and \"" + entry.name() + "\" [" + entry.begin() + ", "
                        + entry.end() + ") overlap");
            }
            if (entry.begin() > covered) {
                throw new SafetensorsException(Problem.NOT_CONTIGUOUS, path + ": no tensor covers bytes [" + covered + ", "
                        + entry.begin() + ") of the byte buffer, before \"" + entry.name() + "\"");
            }
            covered = entry.end();
            previous = entry;
        }
        if (covered != bufferLength) {
            throw new SafetensorsException(Problem.TRAILING_BYTES, path + ": " + (bufferLength - covered)
                    + " bytes follow the last tensor (the tensors cover " + covered + " of " + bufferLength + ")");
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, Path path, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new SafetensorsException(Problem.TRUNCATED, path + " is truncated: " + length + " bytes at "
                        + position + " are needed, the file has " + size);
            }
        }
        return buffer.flip();
    }

    private static SafetensorsException malformed(Path path, String what) {
        return new SafetensorsException(Problem.MALFORMED_HEADER, path + ": " + what);
    }
}
