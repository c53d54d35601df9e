package dev.kiln.runtime.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random changes to each training image, made afresh in every batch, so that a network sees
 * slightly different images each epoch: {@code Augmentation.randomCrop(4).thenFlip()} is the usual
 * CIFAR-10 recipe (torchvision's {@code RandomCrop(32, padding=4)} then
 * {@code RandomHorizontalFlip()}). Given to {@link Trainer.Builder#augment}, it is applied to the
 * training batches only, after they are copied out of the data set (which keeps its pixels as
 * bytes): validation and evaluation see the images as they are.
 *
 * <p>The random choices come from a generator the trainer seeds from its seed, the epoch and the
 * batch, so a run is reproducible, and one resumed from a checkpoint sees the same images as the
 * uninterrupted run would have. An augmentation holds no state: one may serve many trainers at once.
 */
public final class Augmentation {
    /** One step: changes {@code count} images of channels x height x width in place. */
    private interface Step {
        void apply(float[] images, int count, int channels, int height, int width, float[] fill, SplittableRandom random);
    }

    private final List<Step> steps;
    private final String description;

    private Augmentation(List<Step> steps, String description) {
        this.steps = List.copyOf(steps);
        this.description = description;
    }

    /**
     * Shifts each image by a random offset of -padding..padding pixels in each direction (uniform),
     * filling what comes in from outside with the value a black pixel has (0 before normalization):
     * a random crop of the image padded by {@code padding} on every side, at its own size.
     */
    public static Augmentation randomCrop(int padding) {
        if (padding < 0) {
            throw new IllegalArgumentException("crop padding must be 0 or more, got " + padding);
        }
        return new Augmentation(List.of((images, count, channels, height, width, fill, random) ->
                crop(images, count, channels, height, width, fill, random, padding)), "randomCrop(" + padding + ")");
    }

    /** Mirrors each image left to right with probability 1/2. */
    public static Augmentation horizontalFlip() {
        return new Augmentation(List.of(Augmentation::flip), "horizontalFlip()");
    }

    /** This augmentation, then {@code next}. */
    public Augmentation then(Augmentation next) {
        List<Step> all = new ArrayList<>(steps);
        all.addAll(next.steps);
        return new Augmentation(all, description + ".then(" + next.description + ")");
    }

    /** This augmentation, then a {@link #horizontalFlip()}. */
    public Augmentation thenFlip() {
        return then(horizontalFlip());
    }

    /**
     * Changes {@code count} images of channels x height x width, stored one after another in
     * {@code images}, in place. {@code fill} holds, per channel (or one for all), the value of a
     * black pixel in these images (0, or {@code -mean / std} after normalization).
     */
    public void apply(float[] images, int count, int channels, int height, int width, float[] fill, SplittableRandom random) {
        if (fill.length != 1 && fill.length != channels) {
            throw new IllegalArgumentException("need one fill value or one per channel (" + channels + "), got " + fill.length);
        }
        if ((long) count * channels * height * width > images.length) {
            throw new IllegalArgumentException(count + " images of " + channels + "x" + height + "x" + width + " need "
                    + (long) count * channels * height * width + " values, the batch has " + images.length);
        }
        for (Step step : steps) {
            step.apply(images, count, channels, height, width, fill, random);
        }
    }

    private static void crop(float[] images, int count, int channels, int height, int width, float[] fill,
            SplittableRandom random, int padding) {
        int plane = height * width;
        float[] copy = new float[plane];
        for (int n = 0; n < count; n++) {
            int dy = random.nextInt(2 * padding + 1) - padding;
            int dx = random.nextInt(2 * padding + 1) - padding;
            for (int c = 0; c < channels; c++) {
                int base = (n * channels + c) * plane;
                float outside = fill[fill.length == 1 ? 0 : c];
                System.arraycopy(images, base, copy, 0, plane);
                // out(y, x) = in(y + dy, x + dx), or the fill where that is outside the image.
                for (int y = 0; y < height; y++) {
                    int sy = y + dy;
                    int row = base + y * width;
                    if (sy < 0 || sy >= height) {
                        java.util.Arrays.fill(images, row, row + width, outside);
                        continue;
                    }
                    for (int x = 0; x < width; x++) {
                        int sx = x + dx;
                        images[row + x] = sx >= 0 && sx < width ? copy[sy * width + sx] : outside;
                    }
                }
            }
        }
    }

    private static void flip(float[] images, int count, int channels, int height, int width, float[] fill,
            SplittableRandom random) {
        for (int n = 0; n < count; n++) {
            if (!random.nextBoolean()) {
                continue;
            }
            for (int r = 0; r < channels * height; r++) {
                int row = (n * channels * height + r) * width;
                for (int i = 0, j = width - 1; i < j; i++, j--) {
                    float swap = images[row + i];
                    images[row + i] = images[row + j];
                    images[row + j] = swap;
                }
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
