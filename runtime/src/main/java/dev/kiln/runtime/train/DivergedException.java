package dev.kiln.runtime.train;

/** Training stopped because the loss stopped being a finite number. */
public final class DivergedException extends RuntimeException {
    public DivergedException(String message) {
        super(message);
    }
}
