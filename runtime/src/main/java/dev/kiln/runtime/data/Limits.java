package dev.kiln.runtime.data;

/**
 * How much of a data set to load, and how large an input may claim to be before it is refused.
 *
 * <p>The counts keep the first examples of the training and test parts, so that a quick run reads
 * (and holds) no more than it uses. The size limits guard against files that would exhaust memory:
 * every loader checks what a header declares (an image's width and height, an IDX or NumPy shape,
 * a compressed file's expansion) against them before it allocates anything from it, and refuses
 * with a {@link DataTooLargeException} naming the file, the size and the limit.
 *
 * @param train               training examples to keep (the first ones)
 * @param test                test examples to keep (the first ones)
 * @param maxBytes            the most bytes one file may decode to (its pixels or values)
 * @param maxImagePixels      the most pixels (width x height) one image file may have, checked
 *                            before its pixels are decoded
 * @param maxCompressionRatio how many times its own size a gzip-compressed file may expand; real
 *                            image data expands 1-10 times, a gzip bomb about 1000 times (checked
 *                            for expansions beyond {@link #SMALL_EXPANSION})
 */
public record Limits(int train, int test, long maxBytes, long maxImagePixels, int maxCompressionRatio) {
    /** Java arrays stop a little short of Integer.MAX_VALUE: no file can decode to more. */
    public static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;
    /** 100 megapixels: a 10,000 x 10,000 photo; decoded as RGB it takes 400 MB. */
    public static final long DEFAULT_MAX_IMAGE_PIXELS = 100_000_000L;
    /** Real image files compress 1-10 times (Fashion-MNIST 1.8, MNIST 4.7); deflate at most 1032. */
    public static final int DEFAULT_MAX_COMPRESSION_RATIO = 100;

    /** Expansions up to this size are allowed whatever the ratio: a small file cannot exhaust memory. */
    public static final long SMALL_EXPANSION = 64L << 20;

    public static final Limits NONE = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE);

    public Limits {
        if (train < 1 || test < 1) {
            throw new IllegalArgumentException("example limits must be at least 1 (an empty set trains or evaluates"
                    + " on nothing), got " + train + " for training and " + test + " for testing");
        }
        if (maxBytes < 1 || maxImagePixels < 1 || maxCompressionRatio < 1) {
            throw new IllegalArgumentException("size limits must be at least 1, got " + maxBytes + " bytes, "
                    + maxImagePixels + " pixels per image and a compression ratio of " + maxCompressionRatio);
        }
    }

    /** Example counts with the default size limits. */
    public Limits(int train, int test) {
        this(train, test, MAX_ARRAY_BYTES, DEFAULT_MAX_IMAGE_PIXELS, DEFAULT_MAX_COMPRESSION_RATIO);
    }

    public Limits withMaxBytes(long bytes) {
        return new Limits(train, test, bytes, maxImagePixels, maxCompressionRatio);
    }

    public Limits withMaxImagePixels(long pixels) {
        return new Limits(train, test, maxBytes, pixels, maxCompressionRatio);
    }

    public Limits withMaxCompressionRatio(int ratio) {
        return new Limits(train, test, maxBytes, maxImagePixels, ratio);
    }

    /**
     * Refuses {@code bytes} declared by {@code file} ({@code what} says what they hold) when they
     * exceed {@link #maxBytes}; called before they are allocated.
     */
    void checkBytes(Object file, long bytes, String what) throws DataTooLargeException {
        if (bytes > maxBytes) {
            throw new DataTooLargeException(file + ": " + what + " take " + bytes + " bytes, more than the limit of "
                    + maxBytes + (maxBytes == MAX_ARRAY_BYTES ? " (the largest Java array)" : " (Limits.maxBytes)"));
        }
    }

    /**
     * Refuses a compressed {@code file} of {@code compressedSize} bytes whose header declares
     * {@code claimed} bytes ({@code what}) when that is more than {@link #maxCompressionRatio} times
     * its size (and more than {@link #SMALL_EXPANSION}); called before anything is decompressed into memory.
     */
    void checkExpansion(Object file, long compressedSize, long claimed, String what) throws DataTooLargeException {
        if (claimed > SMALL_EXPANSION && claimed > compressedSize * maxCompressionRatio) {
            throw new DataTooLargeException(file + ": " + what + " from a gzip file of " + compressedSize + " bytes would"
                    + " expand it " + claimed / Math.max(1, compressedSize) + " times, more than the limit of "
                    + maxCompressionRatio + " (Limits.maxCompressionRatio: image data expands 1-10 times, a gzip bomb"
                    + " about 1000)");
        }
    }
}
