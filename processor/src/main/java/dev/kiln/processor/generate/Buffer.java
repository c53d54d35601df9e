package dev.kiln.processor.generate;

import com.palantir.javapoet.TypeName;

/**
 * One array of the generated workspace: {@code capacity * perExample} elements.
 *
 * @param perExample an expression for the number of elements per example, e.g. "CONV1.outSize()"
 */
record Buffer(TypeName type, String name, String perExample, String doc) {
    static final TypeName FLOATS = TypeName.get(float[].class);
    static final TypeName INTS = TypeName.get(int[].class);
}
