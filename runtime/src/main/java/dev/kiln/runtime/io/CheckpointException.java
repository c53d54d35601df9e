package dev.kiln.runtime.io;

import java.io.IOException;

/** A checkpoint that cannot be read or does not fit the model; the message names the file and what differs. */
public final class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
