package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A 2-D convolution, fused with its bias and activation.
 *
 * <p>Output size per spatial axis: {@code (in + 2*padding - kernel) / stride + 1} with
 * {@link Padding#EXPLICIT}; {@code ceil(in / stride)} with {@link Padding#SAME};
 * {@code floor((in - kernel) / stride) + 1} with {@link Padding#VALID}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Conv {
    /** Number of output channels. */
    int filters();

    /** Square kernel size; use {@link #kernelHeight()} and {@link #kernelWidth()} for a non-square one. */
    int kernel() default 0;

    int kernelHeight() default 0;

    int kernelWidth() default 0;

    int stride() default 1;

    /** Zeros added on each side, PyTorch style. Not allowed together with a SAME or VALID {@link #mode()}. */
    int padding() default 0;

    Padding mode() default Padding.EXPLICIT;

    /**
     * With explicit padding, accept a window that does not fit exactly and drop the last rows and
     * columns, as PyTorch does silently. The processor then warns instead of failing.
     */
    boolean floor() default false;

    Activation activation() default Activation.NONE;

    Init init() default Init.AUTO;

    /** Standard deviation for {@link Init#NORMAL} and {@link Init#TRUNCATED_NORMAL}. */
    double stddev() default 0.0;

    /** Initial value of every bias. */
    double bias() default 0.0;

    /** L2 penalty factor on this layer's weights and biases: adds {@code l2 * sum(w^2) / 2} to the loss. */
    double l2() default 0.0;

    /** False freezes the layer: its parameters are used but never updated (fine-tuning). */
    boolean trainable() default true;
}
