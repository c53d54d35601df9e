package dev.kiln.reports;

import dev.kiln.runtime.model.Model;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The first convolution layer's filters as pictures. Weights of one or of many input channels are
 * drawn blue (negative) through white (0) to red (positive), one tile per filter and input
 * channel, on one scale shared by all so that strong and weak filters can be compared; weights
 * over three input channels (RGB) are drawn as colour pictures, stretched over the range of all
 * filters together.
 */
public final class ConvFilterGrid {
    private ConvFilterGrid() {}

    /**
     * The picture of {@code model}'s first convolution's filters.
     *
     * @throws IllegalArgumentException when the model has no convolution layer
     */
    public static BufferedImage render(Model model) {
        return grid(model).render();
    }

    static TileGrid grid(Model model) {
        FirstConvLayer conv = FirstConvLayer.of(model);
        float largest = 0, min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (float w : conv.weights()) {
            largest = Math.max(largest, Math.abs(w));
            min = Math.min(min, w);
            max = Math.max(max, w);
        }
        boolean rgb = conv.inputChannels() == 3;
        int kh = conv.kernelHeight(), kw = conv.kernelWidth();
        List<TileGrid.Tile> tiles = new ArrayList<>();
        for (int f = 0; f < conv.filters(); f++) {
            if (rgb) {
                tiles.add(new TileGrid.Tile(colourFilter(conv, f, min, max), "filter " + f));
                continue;
            }
            for (int c = 0; c < conv.inputChannels(); c++) {
                float scale = largest > 0 ? largest : 1;
                tiles.add(new TileGrid.Tile(Pictures.plane(conv.weights(), conv.offset(f, c), kh, kw,
                        v -> ColorMaps.blueWhiteRed(v / scale)),
                        conv.inputChannels() == 1 ? "filter " + f : "filter " + f + ", in " + c));
            }
        }
        String title = String.format(Locale.ROOT, "%s: the %d filters of the first convolution (%dx%d%s)", model.name(),
                conv.filters(), kh, kw, conv.inputChannels() == 1 ? "" : " over " + conv.inputChannels() + " input channels");
        String scale = rgb
                ? String.format(Locale.ROOT, "Each filter's weights as RGB, stretched from %.3g (black) to %.3g (white) over all filters.", min, max)
                : String.format(Locale.ROOT, "Blue: negative, white: 0, red: positive; full colour at |w| = %.3g (the largest weight).", largest);
        int columns = rgb || conv.inputChannels() == 1 ? Math.min(8, conv.filters()) : conv.inputChannels();
        return new TileGrid(title, List.of(conv.layer().description(), scale), tiles, columns, TileGrid.scaleFor(kh, kw, 80));
    }

    private static BufferedImage colourFilter(FirstConvLayer conv, int f, float min, float max) {
        int kh = conv.kernelHeight(), kw = conv.kernelWidth(), plane = kh * kw;
        float range = max > min ? max - min : 1;
        BufferedImage picture = new BufferedImage(kw, kh, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < plane; p++) {
            float[] rgb = new float[3];
            for (int c = 0; c < 3; c++) {
                rgb[c] = (conv.weights()[conv.offset(f, c) + p] - min) / range;
            }
            picture.setRGB(p % kw, p / kw, new Color(rgb[0], rgb[1], rgb[2]).getRGB());
        }
        return picture;
    }
}
