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

    /**
     * A safetensors file of weights for this network, checked when the class compiles; empty means
     * none. The name is resolved like {@link Class#getResource} on this class: relative to its
     * package on the class path (e.g. {@code src/main/resources/<package>/mnist.safetensors}) or
     * the source path, else relative to the directory of this source file. The processor reads
     * only the file's header and reports, on the layer at fault, every tensor whose name, dtype or
     * shape does not fit this network (PyTorch names and layouts: {@code conv1.weight}
     * {@code [out, in, kh, kw]}, {@code fc.weight} {@code [out, in]}, {@code *.bias} {@code [out]};
     * F32, F16, BF16 or F64). The generated model then gets {@code loadWeights()}, which loads the
     * file from the class path in one call: {@code MnistCnnModel.create(seed).loadWeights()}.
     */
    String weights() default "";
}
