package dev.kiln.processor.model;

import java.util.List;

/**
 * A {@code @Network} class as the user declared it, before any check: the values of its
 * annotations with no javac types. {@code input} is kept as written (it may not have three
 * entries); {@code layers} are the annotated fields in declaration order.
 */
public record NetworkSpec(
        String packageName, String className, String generatedName, List<Integer> input, List<LayerSpec> layers) {

    public NetworkSpec {
        input = List.copyOf(input);
        layers = List.copyOf(layers);
    }
}
