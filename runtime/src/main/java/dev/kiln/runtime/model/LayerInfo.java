package dev.kiln.runtime.model;

import java.util.Objects;

/**
 * One layer of a generated model as {@link Model#layers()} describes it: what a report or a
 * visualisation needs to find a layer, its parameters and its output without parsing the
 * architecture text.
 *
 * @param name        the annotated field's name, e.g. "conv1"; a layer with weights owns the
 *                    parameters {@code name + ".weight"} and {@code name + ".bias"}
 * @param kind        what the layer computes
 * @param channels    output channels per example (a dense layer: its units)
 * @param height      output height (1 for a dense layer)
 * @param width       output width (1 for a dense layer)
 * @param description the generated code's comment on the layer, e.g.
 *                    "conv1: 1x28x28 -> 16x28x28, 5x5 stride 1 SAME, ReLU"
 */
public record LayerInfo(String name, Kind kind, int channels, int height, int width, String description) {

    /** The kinds of layer the DSL declares. */
    public enum Kind {
        CONV, MAX_POOL, AVG_POOL, GLOBAL_AVG_POOL, DENSE, DROPOUT
    }

    public LayerInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
    }

    /** Output values per example: channels * height * width. */
    public int outputSize() {
        return channels * height * width;
    }
}
