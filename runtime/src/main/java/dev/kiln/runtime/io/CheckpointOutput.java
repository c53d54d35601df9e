package dev.kiln.runtime.io;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;

/**
 * Writes the checkpoint's fields big-endian while summing them with SHA-256; {@link #finish()}
 * appends the sum. Floats are written as their raw bits, so every value (NaN payloads included)
 * comes back exactly.
 */
final class CheckpointOutput {
    private final OutputStream raw;
    private final MessageDigest digest = Checkpoints.newSha256();
    private final DataOutputStream out;
    private final ByteBuffer chunk = ByteBuffer.allocate(1 << 16);

    CheckpointOutput(OutputStream raw) {
        this.raw = raw;
        this.out = new DataOutputStream(new BufferedOutputStream(new DigestOutputStream(raw, digest), 1 << 16));
    }

    void bytes(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    void int32(int value) throws IOException {
        out.writeInt(value);
    }

    void int64(long value) throws IOException {
        out.writeLong(value);
    }

    void bool(boolean value) throws IOException {
        out.writeByte(value ? 1 : 0);
    }

    /** Length in bytes, then UTF-8. */
    void string(String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    void ints(int[] values) throws IOException {
        out.writeInt(values.length);
        for (int value : values) {
            out.writeInt(value);
        }
    }

    /** Count, then the raw bits of each float, converted a chunk at a time. */
    void floats(float[] values) throws IOException {
        out.writeInt(values.length);
        int i = 0;
        while (i < values.length) {
            chunk.clear();
            while (i < values.length && chunk.remaining() >= Float.BYTES) {
                chunk.putInt(Float.floatToRawIntBits(values[i++]));
            }
            out.write(chunk.array(), 0, chunk.position());
        }
    }

    /** Appends the SHA-256 of everything written so far (not itself summed). */
    void finish() throws IOException {
        out.flush();
        raw.write(digest.digest());
        raw.flush();
    }
}
