package dev.kiln.cli;

import java.io.UncheckedIOException;
import java.util.Locale;

/** Turns the exceptions a command can end with into the message a user should read. */
final class UserErrors {
    private UserErrors() {}

    static String describe(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutOfMemoryError outOfMemory) {
                return outOfMemory(outOfMemory, Runtime.getRuntime().maxMemory());
            }
        }
        // new UncheckedIOException(cause) says only cause.toString(); the cause's own message reads better.
        Throwable shown = e instanceof UncheckedIOException && e.getCause() != null
                && e.getMessage().equals(e.getCause().toString()) ? e.getCause() : e;
        String message = shown.getMessage();
        if (message == null || message.isBlank()) {
            return shown.getClass().getSimpleName() + " (run with KILN_JAVA_OPTS=-Dkiln.debug=true for the stack trace)";
        }
        return message;
    }

    /**
     * One line on what to change. The launcher starts Java with the options in jvm.options, which
     * set no heap size, then those in KILN_JAVA_OPTS; without -Xmx, Java takes a quarter of the RAM.
     */
    static String outOfMemory(OutOfMemoryError e, long maxHeapBytes) {
        return String.format(Locale.ROOT, "out of memory (%s) with a heap of at most %,d MB: give Java more heap, e.g."
                        + " KILN_JAVA_OPTS=-Xmx4g ./kiln ..., or make the run smaller: a lower --batch-size, fewer --threads"
                        + " (each keeps its own gradients), or --limit N to load only N training examples",
                e.getMessage() == null ? "OutOfMemoryError" : e.getMessage(), maxHeapBytes >> 20);
    }
}
