package dev.kiln.dsl;

/**
 * The declared type of a layer field. The field itself is never read or written; it exists so
 * that each layer has a name (the field's) and a place for its annotation.
 */
public final class Layer {
    private Layer() {}
}
