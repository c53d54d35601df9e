package dev.kiln.runtime.data;

import java.io.IOException;

/** A dataset that is neither on this machine nor downloadable; the message says how to provide it. */
public final class DatasetNotFoundException extends IOException {
    public DatasetNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
