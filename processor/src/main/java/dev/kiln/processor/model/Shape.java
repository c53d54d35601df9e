package dev.kiln.processor.model;

/**
 * The shape of one example's tensor between layers: channels x height x width, or a flat vector
 * of {@code channels} values after a dense layer.
 */
public record Shape(int channels, int height, int width, boolean flat) {

    public static Shape spatial(int channels, int height, int width) {
        return new Shape(channels, height, width, false);
    }

    public static Shape vector(int length) {
        return new Shape(length, 1, 1, true);
    }

    /** Number of values per example. */
    public long size() {
        return Math.multiplyExact(Math.multiplyExact((long) channels, height), width);
    }

    /** "32x28x28" (C x H x W) or "1024" for a vector. */
    @Override
    public String toString() {
        return flat ? Integer.toString(channels) : channels + "x" + height + "x" + width;
    }
}
