package dev.kiln.samples.cli;

import java.io.UncheckedIOException;

/** Turns the exceptions a command can end with into the message a user should read. */
final class UserErrors {
    private UserErrors() {}

    static String describe(Throwable e) {
        Throwable shown = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        String message = shown.getMessage();
        if (message == null || message.isBlank()) {
            return shown.getClass().getSimpleName() + " (run with KILN_JAVA_OPTS=-Dkiln.debug=true for the stack trace)";
        }
        return message;
    }
}
