package dev.kiln.runtime.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST, raw or gzip-compressed
 * (told apart by the gzip magic bytes, not by the name).
 *
 * <p>The header is untrusted: before anything is allocated from it, the item count times the item
 * size is checked against what the file can hold (its remaining bytes when raw; the deflate
 * format's maximum ratio of 1032:1 when compressed), and against the {@link Limits}: a gzip bomb
 * (a small file claiming, and expanding to, hundreds of megabytes) is refused by
 * {@link Limits#maxCompressionRatio()} before anything is decompressed. Compressed data is then
 * read into a buffer the size of the claim when that is at most {@value #LIKELY_RATIO} times the
 * file (images compress about 2:1), and otherwise into one that grows as data arrives, so a header
 * that lies costs at most that multiple of the file or twice the data actually present.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;
    /** Deflate cannot expand data more than 1032 times (258-byte matches coded in 2 bits). */
    private static final long MAX_DEFLATE_RATIO = 1032;
    /** Java arrays stop a little short of Integer.MAX_VALUE. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;
    private static final int FIRST_CHUNK = 1 << 20;
    /**
     * Expansion up to which a gzip file's claimed size is allocated at once. Grown from 1 MB,
     * Fashion-MNIST's 47 MB of training images took six copies and about 47 MB more of fresh heap,
     * each page a fault on first touch.
     */
    private static final int LIKELY_RATIO = 4;

    private IdxReader() {
    }

    /** An IDX file of images: magic 0x00000803, dimensions count x height x width. */
    public static IdxArray readImages(Path path) throws IOException {
        return readImages(path, Integer.MAX_VALUE);
    }

    /** The first {@code limit} images of an IDX file of images (all when it holds fewer). */
    public static IdxArray readImages(Path path, int limit) throws IOException {
        return read(path, 3, "images", limit);
    }

    /** An IDX file of labels: magic 0x00000801, one dimension, the count. */
    public static IdxArray readLabels(Path path) throws IOException {
        return readLabels(path, Integer.MAX_VALUE);
    }

    /** The first {@code limit} labels of an IDX file of labels (all when it holds fewer). */
    public static IdxArray readLabels(Path path, int limit) throws IOException {
        return read(path, 1, "labels", limit);
    }

    /**
     * The first {@code limit} items of an IDX file of unsigned bytes with {@code dimensionCount}
     * dimensions, whose items are called {@code noun}. Only those items are read (and held): a
     * compressed file is decompressed no further, so its trailing checksum is checked only when
     * every item is read. The header is checked against the whole file either way.
     */
    public static IdxArray read(Path path, int dimensionCount, String noun, int limit) throws IOException {
        return read(path, dimensionCount, noun, limit, Limits.NONE);
    }

    /**
     * As {@link #read(Path, int, String, int)}, refusing with a {@link DataTooLargeException}, before
     * allocating, a header that claims more than {@code limits} allow: more bytes than
     * {@link Limits#maxBytes()}, or, compressed, more than {@link Limits#maxCompressionRatio()}
     * times the file's size (a gzip bomb).
     */
    public static IdxArray read(Path path, int dimensionCount, String noun, int limit, Limits limits) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("cannot read " + limit + " " + noun + " of " + path);
        }
        long fileSize = Files.size(path);
        try (InputStream file = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            file.mark(2);
            boolean gzip = file.read() == 0x1f && file.read() == 0x8b;
            file.reset();
            InputStream in = gzip ? new GZIPInputStream(file, 1 << 16) : file;
            try {
                return read(path, in, gzip, fileSize, dimensionCount, noun, limit, limits);
            } catch (EOFException | ZipException e) {
                throw new MalformedDataException(path + (gzip ? ": the gzip data" : ": the data") + " is damaged or truncated (" + e.getMessage() + ")", e);
            }
        }
    }

    private static IdxArray read(Path path, InputStream in, boolean gzip, long fileSize, int dimensionCount, String noun,
            int limit, Limits limits) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int headerSize = 4 + 4 * dimensionCount;
        byte[] header = new byte[headerSize];
        int headerRead = in.readNBytes(header, 0, 4);
        int expectedMagic = (UNSIGNED_BYTE << 8) | dimensionCount;
        if (headerRead < 4) {
            throw new MalformedDataException(path + ": the file ends after " + headerRead + " bytes, inside the IDX header");
        }
        int magic = ((header[0] & 0xFF) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        if (magic != expectedMagic) {
            throw new MalformedDataException(String.format(
                    "%s: bad magic number 0x%08x; IDX %s start with 0x%08x (unsigned bytes, %d dimension%s)",
                    path, magic, noun, expectedMagic, dimensionCount, dimensionCount == 1 ? "" : "s"));
        }
        headerRead += in.readNBytes(header, 4, headerSize - 4);
        if (headerRead < headerSize) {
            throw new MalformedDataException(path + ": the file ends after " + headerRead + " bytes, inside the IDX header of "
                    + headerSize + " bytes");
        }
        int[] dimensions = new int[dimensionCount];
        BigInteger claimed = BigInteger.ONE;
        for (int i = 0; i < dimensionCount; i++) {
            int at = 4 + 4 * i;
            dimensions[i] = ((header[at] & 0xFF) << 24) | ((header[at + 1] & 0xFF) << 16)
                    | ((header[at + 2] & 0xFF) << 8) | (header[at + 3] & 0xFF);
            if (dimensions[i] < 0 || (i > 0 && dimensions[i] == 0)) {
                throw new MalformedDataException(path + ": dimension " + i + " of the header is " + dimensions[i]);
            }
            claimed = claimed.multiply(BigInteger.valueOf(dimensions[i]));
        }
        String claim = "header claims " + describe(dimensions, noun) + " (" + claimed + " bytes)";
        if (claimed.compareTo(BigInteger.valueOf(MAX_ARRAY)) > 0) {
            throw new MalformedDataException(path + ": " + claim + ", more than one array can hold");
        }
        long total = claimed.longValueExact();
        int kept = Math.min(limit, dimensions[0]);
        int wanted = (int) (total / Math.max(1, dimensions[0]) * kept);
        int[] keptDimensions = dimensions.clone();
        keptDimensions[0] = kept;
        if (!gzip) {
            long remaining = fileSize - headerSize;
            if (total != remaining) {
                throw new MalformedDataException(path + ": " + claim + " but the file holds " + remaining
                        + " bytes after the header");
            }
            limits.checkBytes(path, wanted, describe(keptDimensions, noun));
            byte[] bytes = new byte[wanted];
            data.readFully(bytes);
            return new IdxArray(keptDimensions, bytes);
        }
        if (total > fileSize * MAX_DEFLATE_RATIO) {
            throw new MalformedDataException(path + ": " + claim + " but a gzip file of " + fileSize
                    + " bytes cannot hold more than " + fileSize * MAX_DEFLATE_RATIO);
        }
        limits.checkExpansion(path, fileSize, total, claim);
        limits.checkBytes(path, wanted, describe(keptDimensions, noun));
        byte[] bytes = readGrowing(in, wanted, (int) Math.min(wanted, Math.max(FIRST_CHUNK, LIKELY_RATIO * fileSize)));
        if (bytes.length < wanted) {
            throw new MalformedDataException(path + ": " + claim + " but the file holds " + bytes.length
                    + " bytes after the header");
        }
        if (kept < dimensions[0]) {
            return new IdxArray(keptDimensions, bytes);
        }
        // Reading to the end also makes GZIPInputStream check the trailer's CRC and length.
        long extra = in.skip(Long.MAX_VALUE);
        while (in.read() >= 0) {
            extra++;
        }
        if (extra > 0) {
            throw new MalformedDataException(path + ": " + claim + " but the file holds " + (total + extra)
                    + " bytes after the header");
        }
        return new IdxArray(dimensions, bytes);
    }

    /** Reads up to {@code limit} bytes into a buffer of {@code first}, grown only as data actually arrives. */
    private static byte[] readGrowing(InputStream in, int limit, int first) throws IOException {
        byte[] buffer = new byte[first];
        int filled = 0;
        while (filled < limit) {
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(limit, 2L * buffer.length));
            }
            int read = in.read(buffer, filled, buffer.length - filled);
            if (read < 0) {
                return Arrays.copyOf(buffer, filled);
            }
            filled += read;
        }
        return buffer;
    }

    /** "60000 images of 28x28", "60000 labels". */
    private static String describe(int[] dimensions, String noun) {
        StringBuilder text = new StringBuilder().append(dimensions[0]).append(' ').append(noun);
        for (int i = 1; i < dimensions.length; i++) {
            text.append(i == 1 ? " of " : "x").append(dimensions[i]);
        }
        return text.toString();
    }
}
