package dev.kiln.runtime.data;

/**
 * A data file that declares, or expands to, more than a {@link Limits size limit} allows: refused
 * before the memory is allocated. The message names the file, the size and the limit.
 */
public final class DataTooLargeException extends MalformedDataException {
    public DataTooLargeException(String message) {
        super(message);
    }
}
