package dev.kiln.runtime.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes float32 tensors as a safetensors file, byte for byte as the reference implementation
 * lays one out: the tensors sorted by name (all share one dtype, the reference's first sort key),
 * the header as compact JSON with {@code __metadata__} first (omitted when empty) and padded with
 * spaces so the byte buffer starts at a multiple of 8, then the values little-endian in the same
 * order. The file is replaced atomically ({@link AtomicFile}): never left half-written.
 */
public final class SafetensorsWriter {
    /** One tensor to write: its shape and its values, row-major. */
    public record Tensor(int[] shape, float[] values) {
        public Tensor {
            long count = Arrays.stream(shape).asLongStream().reduce(1, Math::multiplyExact);
            if (count != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + count + " values, got "
                        + values.length);
            }
        }
    }

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} (by name) and {@code metadata} to {@code path}. */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        byte[] header = header(sorted, metadata);
        AtomicFile.write(path, stream -> {
            OutputStream out = new BufferedOutputStream(stream, 1 << 16);
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            out.write(length.array());
            out.write(header);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor tensor : sorted.values()) {
                float[] values = tensor.values();
                for (int i = 0; i < values.length; ) {
                    chunk.clear();
                    while (i < values.length && chunk.remaining() >= Float.BYTES) {
                        chunk.putInt(Float.floatToRawIntBits(values[i++]));
                    }
                    out.write(chunk.array(), 0, chunk.position());
                }
            }
            out.flush();
        });
    }

    /** The JSON header for tensors in the order given, padded with spaces to a multiple of 8 bytes. */
    static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append(HeaderJson.quote(SafetensorsFile.METADATA_KEY)).append(":{");
            String separator = "";
            for (Map.Entry<String, String> entry : new TreeMap<>(metadata).entrySet()) {
                json.append(separator).append(HeaderJson.quote(entry.getKey())).append(':').append(HeaderJson.quote(entry.getValue()));
                separator = ",";
            }
            json.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            if (entry.getKey().equals(SafetensorsFile.METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named " + SafetensorsFile.METADATA_KEY);
            }
            long end = offset + (long) Float.BYTES * entry.getValue().values().length;
            json.append(json.length() > 1 ? "," : "").append(HeaderJson.quote(entry.getKey()))
                    .append(":{\"dtype\":\"F32\",\"shape\":[");
            int[] shape = entry.getValue().shape();
            for (int i = 0; i < shape.length; i++) {
                json.append(i > 0 ? "," : "").append(shape[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] utf8 = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (utf8.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(utf8, padded);
        Arrays.fill(header, utf8.length, padded, (byte) ' ');
        return header;
    }
}
