package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose fields, in declaration order, are the layers of a network.
 *
 * <pre>{@code
 * @Network(input = {1, 28, 28})
 * class MnistCnn {
 *     @Conv(filters = 32, kernel = 5, mode = Padding.SAME, activation = Activation.RELU) Layer conv1;
 *     @MaxPool(size = 2)                                                               Layer pool1;
 *     @Dense(units = 10)                                                               Layer logits;
 * }
 * }</pre>
 *
 * The processor generates {@code MnistCnnModel} in the same package. The last layer must be a
 * {@link Dense} layer: its outputs are the class logits, trained with softmax cross-entropy.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Network {
    /** The input shape of one example: {channels, height, width}. */
    int[] input();

    /** The simple name of the generated class; empty means the class name plus {@code Model}. */
    String generatedName() default "";
}
