package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Model;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A set of labelled examples the training loop can draw batches from. Images are channels x
 * height x width per example, as {@link dev.kiln.runtime.model.Model} takes them.
 */
public interface Examples {

    int size();

    /**
     * Fails when {@code examples} is empty: a mean over no examples is NaN, which would pass for a
     * result. {@code role} names the set in the message, e.g. "training" or "test".
     */
    static void requireNonEmpty(Examples examples, String role) {
        if (examples.size() == 0) {
            String name = examples.name();
            throw new IllegalArgumentException("the " + role + " set" + (name.isBlank() ? "" : " (" + name + ")")
                    + " is empty: there is nothing to " + (role.equals("training") ? "train" : "evaluate") + " on");
        }
    }

    /**
     * Fails when the examples are not images of the shape {@code model} takes: with the same number
     * of values they would train without error on pixels read in the wrong order, and with fewer or
     * more they would read past or short of each image. The message names the set (for a loaded
     * file, its path) and both shapes.
     */
    static void requireShape(Examples examples, Model model, String role) {
        int[] shape = examples.exampleShape();
        int[] expected = {model.inputChannels(), model.inputHeight(), model.inputWidth()};
        if (shape != null && !Arrays.equals(shape, expected)) {
            String name = examples.name();
            throw new IllegalArgumentException("the " + role + " set" + (name.isBlank() ? "" : " (" + name + ")")
                    + " holds images of " + shapeText(shape) + " (channels x height x width), but " + model.name()
                    + " takes " + shapeText(expected));
        }
    }

    /** "1x28x28". */
    private static String shapeText(int[] shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining("x"));
    }

    /** Channels, height and width of every example; null when unknown (nothing is then checked). */
    default int[] exampleShape() {
        return null;
    }

    /** What the examples are called in messages, e.g. "Fashion-MNIST train"; blank when they have no name. */
    default String name() {
        return "";
    }

    /**
     * Copies examples {@code order[from] .. order[from + count - 1]} into {@code images} and
     * {@code labels}, which are reused from batch to batch.
     */
    void fill(int[] order, int from, int count, float[] images, int[] labels);

    /** The order of one epoch: a permutation of 0..size-1 that depends only on seed and epoch. */
    int[] order(long seed, int epoch);
}
