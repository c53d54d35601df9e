package dev.kiln.runtime.data;

import java.io.IOException;

/** A data file that is not what it claims to be; the message names the file and the problem. */
public class MalformedDataException extends IOException {
    public MalformedDataException(String message) {
        super(message);
    }

    public MalformedDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
