package dev.kiln.reports;

import dev.kiln.runtime.data.Normalization;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.function.DoubleFunction;

/** Arrays of values made into small pictures, one pixel per value, for the grids to enlarge. */
final class Pictures {
    private Pictures() {}

    /** The {@code height x width} plane at {@code offset}, each value coloured by {@code color}. */
    static BufferedImage plane(float[] values, int offset, int height, int width, DoubleFunction<Color> color) {
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                picture.setRGB(x, y, color.apply(values[offset + y * width + x]).getRGB());
            }
        }
        return picture;
    }

    /** {@code picture} with each pixel made a {@code factor} x {@code factor} square. */
    static BufferedImage enlarge(BufferedImage picture, int factor) {
        if (factor == 1) {
            return picture;
        }
        BufferedImage large = new BufferedImage(picture.getWidth() * factor, picture.getHeight() * factor, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < large.getHeight(); y++) {
            for (int x = 0; x < large.getWidth(); x++) {
                large.setRGB(x, y, picture.getRGB(x / factor, y / factor));
            }
        }
        return large;
    }

    /**
     * A model input (channels x height x width) as the image it was: the normalization undone when
     * known; otherwise values in [0, 1] shown as they are and any others stretched to the range of
     * the image. One channel is gray, three are RGB; of any other count the first channel is shown.
     */
    static BufferedImage input(float[] image, int channels, int height, int width, Normalization normalization) {
        int plane = height * width;
        float[] pixels = image.clone();
        if (normalization != null) {
            for (int c = 0; c < channels; c++) {
                float mean = normalization.mean(normalization.channels() == 1 ? 0 : c);
                float std = normalization.std(normalization.channels() == 1 ? 0 : c);
                for (int p = 0; p < plane; p++) {
                    pixels[c * plane + p] = pixels[c * plane + p] * std + mean;
                }
            }
        } else {
            stretchUnlessUnit(pixels);
        }
        if (channels != 3) {
            return plane(pixels, 0, height, width, ColorMaps::gray);
        }
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < plane; p++) {
            picture.setRGB(p % width, p / width, new Color(unit(pixels[p]), unit(pixels[plane + p]), unit(pixels[2 * plane + p])).getRGB());
        }
        return picture;
    }

    private static void stretchUnlessUnit(float[] pixels) {
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (float v : pixels) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (min >= 0 && max <= 1) {
            return;
        }
        float range = max > min ? max - min : 1;
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (pixels[i] - min) / range;
        }
    }

    private static float unit(float v) {
        return Math.max(0f, Math.min(1f, v));
    }
}
