package dev.kiln.reports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Normalization;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The misclassified grid, the filter grid and the feature maps: the number of tiles, and the
 * pixels of each tile against values computed here from the weights and the declared layers.
 */
class ImageGridsTest {

    /** The colour of picture pixel (x, y) of tile {@code tile}, enlarged {@code scale} times. */
    private static int pixel(BufferedImage image, TileGrid grid, int tile, int scale, int x, int y) {
        int[] origin = grid.tileOrigin(tile);
        return image.getRGB(origin[0] + x * scale + scale / 2, origin[1] + y * scale + scale / 2) & 0xffffff;
    }

    @Test
    void misclassifiedGridShowsEachWrongImageWithBothNames() {
        Dataset test = Shapes.of("shapes", 60, 7);
        try (TinyConvModel model = TinyConvModel.create(5, 1)) {            // untrained: many are wrong
            TestPredictions predictions = TestPredictions.of(model, test, 16);
            int[] wrong = predictions.misclassified();
            assertTrue(wrong.length > 6, "the untrained model got " + wrong.length + " wrong");
            for (int limit : new int[] {6, 1000}) {
                TileGrid grid = MisclassifiedGrid.grid(model, predictions, Shapes.NAMES, limit);
                int tiles = Math.min(limit, wrong.length);
                assertEquals(tiles, grid.captions().size());
                BufferedImage image = grid.render();
                assertEquals(grid.width(), image.getWidth());
                assertEquals(grid.height(), image.getHeight());
                int scale = TileGrid.scaleFor(12, 12, 112);
                for (int t = 0; t < tiles; t++) {
                    int i = wrong[t];
                    assertTrue(predictions.label(i) != predictions.predicted(i));
                    List<String> caption = grid.captions().get(t);
                    assertTrue(caption.get(0).startsWith("predicted " + Shapes.NAMES.get(predictions.predicted(i)) + " ("), caption.get(0));
                    assertEquals("true " + Shapes.NAMES.get(predictions.label(i)), caption.get(1));
                    float[] pixels = test.image(i);
                    for (int p = 0; p < 144; p += 13) {
                        int gray = Math.round(pixels[p] * 255);
                        assertEquals(gray << 16 | gray << 8 | gray, pixel(image, grid, t, scale, p % 12, p / 12),
                                "tile " + t + " pixel " + p);
                    }
                }
            }
        }
    }

    @Test
    void misclassifiedImagesAreShownWithTheirNormalizationUndone() {
        Dataset raw = Shapes.of("shapes", 40, 8);
        Dataset normalized = raw.withNormalization(Normalization.of(0.2f, 0.3f));
        try (TinyConvModel model = TinyConvModel.create(5, 1)) {
            TestPredictions predictions = TestPredictions.of(model, normalized, 16);
            TileGrid grid = MisclassifiedGrid.grid(model, predictions, List.of(), 3);
            BufferedImage image = grid.render();
            int i = predictions.misclassified()[0];
            float[] pixels = raw.image(i);
            int scale = TileGrid.scaleFor(12, 12, 112);
            for (int p = 0; p < 144; p += 7) {
                int gray = Math.round(pixels[p] * 255);
                int shown = pixel(image, grid, 0, scale, p % 12, p / 12) & 0xff;
                assertTrue(Math.abs(gray - shown) <= 1, "pixel " + p + ": " + shown + " for " + gray);
            }
        }
    }

    @Test
    void filterTilesAreTheFirstConvolutionsWeights() {
        try (TinyConvModel model = TinyConvModel.create(9, 1)) {
            TileGrid grid = ConvFilterGrid.grid(model);
            assertEquals(4, grid.captions().size());
            BufferedImage image = grid.render();
            float[] weights = model.parameters().get(0).toPytorch();            // conv1.weight [4][1][3][3]
            float largest = 0;
            for (float w : weights) {
                largest = Math.max(largest, Math.abs(w));
            }
            int scale = TileGrid.scaleFor(3, 3, 80);
            for (int f = 0; f < 4; f++) {
                assertEquals(List.of("filter " + f), grid.captions().get(f));
                for (int k = 0; k < 9; k++) {
                    int expected = ColorMaps.blueWhiteRed(weights[f * 9 + k] / largest).getRGB() & 0xffffff;
                    assertEquals(expected, pixel(image, grid, f, scale, k % 3, k / 3), "filter " + f + " weight " + k);
                }
            }
        }
    }

    @Test
    void rgbFiltersAreOneColourTileEach() {
        try (RgbConvModel model = RgbConvModel.create(2, 1)) {
            TileGrid grid = ConvFilterGrid.grid(model);
            assertEquals(5, grid.captions().size());
            BufferedImage image = grid.render();
            assertTrue(image.getWidth() > 5 * TileGrid.scaleFor(4, 4, 80));
        }
    }

    /**
     * Each feature map's pixels are the first convolution of the image, computed here from the
     * weights with the declared geometry (3x3, SAME: 1 pixel of zeros around, ReLU), on the grid's
     * shared gray scale.
     */
    @Test
    void featureMapsAreTheConvolutionOfTheImage() {
        Dataset images = Shapes.of("shapes", 1, 11);
        float[] image = images.image(0);
        try (TinyConvModel model = TinyConvModel.create(4, 1)) {
            float[] w = model.parameters().get(0).toPytorch();
            float[] b = model.parameters().get(1).toPytorch();
            float[] expected = new float[4 * 144];
            float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
            for (int f = 0; f < 4; f++) {
                for (int y = 0; y < 12; y++) {
                    for (int x = 0; x < 12; x++) {
                        double sum = b[f];
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = y + ky - 1, ix = x + kx - 1;
                                if (iy >= 0 && iy < 12 && ix >= 0 && ix < 12) {
                                    sum += (double) w[f * 9 + ky * 3 + kx] * image[iy * 12 + ix];
                                }
                            }
                        }
                        float v = (float) Math.max(0, sum);
                        expected[f * 144 + y * 12 + x] = v;
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
            float[] actual = model.activations(image, "conv1");
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5f, "activation " + i);
            }
            TileGrid grid = FeatureMapGrid.grid(model, image, null, "a bar");
            assertEquals(5, grid.captions().size(), "the input and 4 maps");
            BufferedImage picture = grid.render();
            int scale = TileGrid.scaleFor(12, 12, 112);
            for (int f = 0; f < 4; f++) {
                for (int p = 0; p < 144; p += 5) {
                    int gray = (int) Math.round(255 * (expected[f * 144 + p] - min) / (max - min));
                    int shown = pixel(picture, grid, f + 1, scale, p % 12, p / 12) & 0xff;
                    assertTrue(Math.abs(gray - shown) <= 1, "map " + f + " pixel " + p + ": " + shown + " for " + gray);
                }
            }
        }
    }

    @Test
    void stridedFeatureMapsHaveTheLayersShape() {
        try (RgbConvModel model = RgbConvModel.create(2, 1)) {
            float[] image = new float[300];
            for (int i = 0; i < image.length; i++) {
                image[i] = (i % 17) / 17f;
            }
            TileGrid grid = FeatureMapGrid.grid(model, image, null, "stripes");
            assertEquals(6, grid.captions().size());
            assertArrayEquals(new int[] {5, 5, 5}, new int[] {model.layers().get(0).channels(), model.layers().get(0).height(),
                    model.layers().get(0).width()});
            IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class,
                    () -> FeatureMapGrid.render(model, new float[100], null, "short"));
            assertEquals("the image has 100 values, but RgbConv takes 3x10x10 = 300", wrongSize.getMessage());
        }
    }

    /** A data set named by its file path makes a long title: it wraps, the picture stays as wide as its tiles need. */
    @Test
    void longTitlesWrapInsteadOfWideningThePicture() {
        String path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
        List<String> lines = TileGrid.wrap("Tf1636: feature maps of the first convolution for image 0 of Fashion-MNIST test, "
                + path + " (Ankle boot)", TileGrid.TITLE, 560);
        assertTrue(lines.size() >= 2, lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains(path)), "a word is never split: " + lines);
        try (TinyConvModel model = TinyConvModel.create(4, 1)) {
            TileGrid shortTitle = FeatureMapGrid.grid(model, new float[144], null, "zeros");
            TileGrid longTitle = FeatureMapGrid.grid(model, new float[144], null, "image 0 of Fashion-MNIST test, " + path);
            // Lines of at most 560 pixels between margins of 16, but the path is one word and may be wider.
            int widest = Math.max(560, TileGrid.metrics(TileGrid.TITLE).stringWidth(path));
            assertTrue(longTitle.width() <= 2 * 16 + widest, longTitle.width() + " for text of at most " + widest);
            assertTrue(longTitle.height() > shortTitle.height());
            assertEquals(longTitle.height(), longTitle.render().getHeight());
        }
    }
}
