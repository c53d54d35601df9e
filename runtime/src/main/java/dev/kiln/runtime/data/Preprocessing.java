package dev.kiln.runtime.data;

import java.util.List;

/**
 * What a model's input went through in training, saved in its checkpoint so that whoever loads the
 * model prepares images the same way: the shape of the training images, their normalization and
 * the names of the classes.
 *
 * @param channels      channels of the training images
 * @param height        their height
 * @param width         their width
 * @param normalization applied after scaling pixels to [0, 1]; null: none
 * @param classNames    index = label; empty when the data set named none
 */
public record Preprocessing(int channels, int height, int width, Normalization normalization, List<String> classNames) {

    public Preprocessing {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("an image shape needs positive sizes, got " + channels + "x" + height + "x" + width);
        }
        if (normalization != null && normalization.channels() != 1 && normalization.channels() != channels) {
            throw new IllegalArgumentException(normalization + " is for " + normalization.channels() + " channels, the images have "
                    + channels);
        }
        classNames = List.copyOf(classNames);
    }

    /** How {@code training} is prepared (its shape and normalization), with the names of its classes. */
    public static Preprocessing of(Dataset training, List<String> classNames) {
        if (!classNames.isEmpty() && classNames.size() != training.classes()) {
            throw new IllegalArgumentException(training.name() + " has " + training.classes() + " classes, but "
                    + classNames.size() + " names were given: " + classNames);
        }
        return new Preprocessing(training.channels(), training.height(), training.width(), training.normalization(), classNames);
    }

    /** Values per image. */
    public int imageSize() {
        return channels * height * width;
    }

    /** {channels, height, width}. */
    public int[] shape() {
        return new int[] {channels, height, width};
    }

    /**
     * A copy of {@code pixels} (channels x height x width, scaled to [0, 1]) as the model saw its
     * training images.
     */
    public float[] apply(float[] pixels) {
        if (pixels.length != imageSize()) {
            throw new IllegalArgumentException("an image of " + channels + "x" + height + "x" + width + " has " + imageSize()
                    + " values, got " + pixels.length);
        }
        float[] input = pixels.clone();
        if (normalization != null) {
            normalization.apply(input, 0, channels, height * width);
        }
        return input;
    }

    /** The name of class {@code label}, or the label itself when no names were saved. */
    public String className(int label) {
        return classNames.isEmpty() ? Integer.toString(label) : classNames.get(label);
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width + (normalization == null ? "" : ", " + normalization)
                + (classNames.isEmpty() ? "" : ", classes " + classNames);
    }

}
