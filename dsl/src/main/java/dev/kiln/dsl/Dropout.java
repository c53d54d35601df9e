package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Inverted dropout: while training, zeroes each value with probability {@link #value()} and scales
 * the survivors by 1 / (1 - rate); at inference it is the identity.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Dropout {
    /** The drop rate, in [0, 1). Keras's {@code rate}; TensorFlow 1's {@code keep_prob} is 1 - rate. */
    double value();
}
