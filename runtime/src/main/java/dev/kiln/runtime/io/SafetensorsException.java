package dev.kiln.runtime.io;

import java.io.IOException;

/**
 * A safetensors file that cannot be read, or whose tensors do not fit the model. {@link #problem()}
 * says which rule was broken; the message names the file, the tensor and the numbers.
 */
public final class SafetensorsException extends IOException {

    /** What is wrong, one constant per rule of the format or of the import. */
    public enum Problem {
        /** The file ends before the 8-byte length or before the header it announces. */
        TRUNCATED,
        /** The header length is over {@link SafetensorsFile#MAX_HEADER_BYTES}. */
        HEADER_TOO_LARGE,
        /** The header is not UTF-8 JSON of the format's shape (an object of tensor entries). */
        MALFORMED_HEADER,
        /** A JSON object names the same key twice. */
        DUPLICATE_KEY,
        /** A dtype the format does not define, or one Kiln cannot turn into float32. */
        UNSUPPORTED_DTYPE,
        /** A tensor's offsets span another byte count than its shape and dtype need. */
        SIZE_MISMATCH,
        /** A tensor's offsets reach past the end of the byte buffer. */
        OFFSETS_OUT_OF_RANGE,
        /** Two tensors share bytes. */
        OVERLAPPING,
        /** The tensors leave a gap in the byte buffer. */
        NOT_CONTIGUOUS,
        /** Bytes after the last tensor. */
        TRAILING_BYTES,
        /** A tensor over 2^31 - 1 values, more than a Java array holds. */
        TENSOR_TOO_LARGE,
        /** The model has a parameter the file lacks. */
        MISSING_TENSOR,
        /** The file has a tensor the model lacks. */
        UNEXPECTED_TENSOR,
        /** A tensor's shape differs from the model's parameter. */
        SHAPE_MISMATCH
    }

    private final Problem problem;

    public SafetensorsException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
