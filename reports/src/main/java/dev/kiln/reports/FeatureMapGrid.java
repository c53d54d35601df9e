package dev.kiln.reports;

import dev.kiln.runtime.data.Normalization;
import dev.kiln.runtime.model.Model;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the first convolution layer's filters make of one image: the image, then each filter's
 * feature map (the layer's output, after its activation) as the model computes it
 * ({@link Model#activations}). All maps share one gray scale, black at the smallest value of any
 * and white at the largest, so a filter that barely responds looks dark.
 */
public final class FeatureMapGrid {
    private FeatureMapGrid() {}

    /**
     * The picture of {@code model}'s first convolution's feature maps for {@code image} (the
     * model's input, channels x height x width).
     *
     * @param normalization how {@code image} was normalized, to show it as it was; null if not known
     * @param caption       what the image is, e.g. "test image 0: Ankle boot"
     * @throws IllegalArgumentException when the model has no convolution layer or the image has not the model's input size
     */
    public static BufferedImage render(Model model, float[] image, Normalization normalization, String caption) {
        return grid(model, image, normalization, caption).render();
    }

    static TileGrid grid(Model model, float[] image, Normalization normalization, String caption) {
        if (image.length != model.inputSize()) {
            throw new IllegalArgumentException("the image has " + image.length + " values, but " + model.name() + " takes "
                    + model.inputChannels() + "x" + model.inputHeight() + "x" + model.inputWidth() + " = " + model.inputSize());
        }
        FirstConvLayer conv = FirstConvLayer.of(model);
        float[] maps = model.activations(image, conv.layer().name());
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (float v : maps) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float low = min, range = max > min ? max - min : 1;
        int h = conv.layer().height(), w = conv.layer().width(), plane = h * w;
        // Maps smaller than the image (a strided convolution) are drawn as large as the image.
        int enlarge = Math.max(1, Math.min(model.inputHeight() / h, model.inputWidth() / w));
        List<TileGrid.Tile> tiles = new ArrayList<>();
        tiles.add(new TileGrid.Tile(Pictures.input(image, model.inputChannels(), model.inputHeight(), model.inputWidth(), normalization),
                "input", ""));
        for (int f = 0; f < conv.layer().channels(); f++) {
            float peak = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < plane; p++) {
                peak = Math.max(peak, maps[f * plane + p]);
            }
            tiles.add(new TileGrid.Tile(Pictures.enlarge(Pictures.plane(maps, f * plane, h, w, v -> ColorMaps.gray((v - low) / range)), enlarge),
                    "filter " + f, String.format(Locale.ROOT, "max %.3g", peak)));
        }
        String title = model.name() + ": feature maps of the first convolution for " + caption;
        String scale = String.format(Locale.ROOT, "One gray scale for all maps: black %.3g, white %.3g.", min, max);
        int scaleFactor = TileGrid.scaleFor(Math.max(h * enlarge, model.inputHeight()), Math.max(w * enlarge, model.inputWidth()), 112);
        return new TileGrid(title, List.of(conv.layer().description(), scale), tiles,
                TileGrid.squareColumns(tiles.size(), 9), scaleFactor);
    }
}
