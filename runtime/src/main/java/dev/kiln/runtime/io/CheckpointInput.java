package dev.kiln.runtime.io;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads the fields {@link CheckpointOutput} wrote. Every length is checked against the bytes left
 * before anything is allocated from it, so even a damaged file whose checksum was not yet checked
 * cannot make it allocate more than the file holds.
 */
final class CheckpointInput {
    private final Path path;
    private final DataInputStream in;
    private long remaining;
    private final byte[] chunk = new byte[1 << 16];

    CheckpointInput(Path path, InputStream in, long length) {
        this.path = path;
        this.in = new DataInputStream(in);
        this.remaining = length;
    }

    long remaining() {
        return remaining;
    }

    private void need(long bytes, String what) throws CheckpointException {
        if (bytes < 0 || bytes > remaining) {
            throw new CheckpointException("checkpoint " + path + " is truncated: " + what + " needs " + bytes
                    + " bytes, " + remaining + " are left");
        }
        remaining -= bytes;
    }

    byte[] bytes(int count, String what) throws IOException {
        need(count, what);
        return in.readNBytes(count);
    }

    int int32(String what) throws IOException {
        need(4, what);
        return in.readInt();
    }

    long int64(String what) throws IOException {
        need(8, what);
        return in.readLong();
    }

    boolean bool(String what) throws IOException {
        need(1, what);
        int value = in.readUnsignedByte();
        if (value > 1) {
            throw new CheckpointException("checkpoint " + path + ": " + what + " is " + value + ", not 0 or 1");
        }
        return value == 1;
    }

    String string(String what) throws IOException {
        int length = int32(what);
        need(length, what);
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    int[] ints(String what) throws IOException {
        int count = int32(what);
        need(4L * count, what);
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            values[i] = in.readInt();
        }
        return values;
    }

    float[] floats(String what) throws IOException {
        int count = int32(what);
        need(4L * count, what);
        float[] values = new float[count];
        int i = 0;
        while (i < count) {
            int n = Math.min(chunk.length / Float.BYTES, count - i);
            in.readFully(chunk, 0, n * Float.BYTES);
            ByteBuffer bytes = ByteBuffer.wrap(chunk, 0, n * Float.BYTES);
            for (int k = 0; k < n; k++) {
                values[i++] = Float.intBitsToFloat(bytes.getInt());
            }
        }
        return values;
    }
}
