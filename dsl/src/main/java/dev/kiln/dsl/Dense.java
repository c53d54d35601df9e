package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A fully connected layer, fused with its bias and activation. A spatial input is flattened first,
 * in channel-major (C, H, W) order as PyTorch's {@code flatten} does.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Dense {
    int units();

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
