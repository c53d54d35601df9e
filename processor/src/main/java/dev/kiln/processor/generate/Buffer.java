package dev.kiln.processor.generate;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;

/**
 * One array of the generated workspace: {@code examples * perExample} elements.
 *
 * @param perExample an expression for the number of elements per example, e.g. "CONV1.outSize()"
 * @param examples   an expression for the examples it keeps places for: the chunk's ({@link
 *                   #CHUNK}), unless the pass writes it at fewer ({@link #GROUP})
 */
record Buffer(TypeName type, String name, String perExample, String doc, CodeBlock examples) {
    static final TypeName FLOATS = TypeName.get(float[].class);
    static final TypeName INTS = TypeName.get(int[].class);

    /** A place for every example of the chunk. */
    static final CodeBlock CHUNK = CodeBlock.of("capacity");

    /**
     * The places of a group of examples: an output the pass writes at {@link LayerEmitter#SCRATCH}
     * (one place in training, a group's in a prediction, which asks the kernels for at most
     * {@code Kernels.MOST_INFERENCE_EXAMPLES} at once).
     */
    static final CodeBlock GROUP = CodeBlock.of("Math.min(capacity, $T.MOST_INFERENCE_EXAMPLES)", RuntimeTypes.KERNELS_TYPE);

    /** An array with a place for every example of the chunk ({@link #CHUNK}). */
    Buffer(TypeName type, String name, String perExample, String doc) {
        this(type, name, perExample, doc, CHUNK);
    }
}
