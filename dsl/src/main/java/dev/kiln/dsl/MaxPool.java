package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Pooling that keeps the maximum of each window, per channel. The default {@link Padding#VALID} drops
 * trailing rows and columns that do not fill a window (the processor warns when it does).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface MaxPool {
    /** Window size (square). */
    int size();

    /**
     * Step between windows; left out, the window size (the default 0 stands for that). Written
     * out, it must be at least 1: {@code stride = 0} is an error, not the default.
     */
    int stride() default 0;

    /** Zeros added on each side, PyTorch style. Not allowed together with a SAME or VALID {@link #mode()}. */
    int padding() default 0;

    /** VALID (floor), SAME (ceil) or EXPLICIT (the {@link #padding()} pixels). */
    Padding mode() default Padding.VALID;

    /** With explicit padding, accept a window that does not fit exactly (PyTorch's floor); warns instead of failing. */
    boolean floor() default false;
}
