package dev.kiln.reports;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Normalization;
import dev.kiln.runtime.model.Model;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Test images the model got wrong, each with its true class and the class the model predicted
 * (with that class's probability): the first {@code limit} of them in the set's order, so the same
 * model and set always show the same images.
 */
public final class MisclassifiedGrid {
    private static final Color WRONG = new Color(178, 24, 43);

    private MisclassifiedGrid() {}

    /**
     * @param classNames one name per class, or empty for the indices
     * @throws IllegalArgumentException when nothing was misclassified, or {@code limit} is below 1
     */
    public static BufferedImage render(Model model, TestPredictions predictions, List<String> classNames, int limit) {
        return grid(model, predictions, classNames, limit).render();
    }

    static TileGrid grid(Model model, TestPredictions predictions, List<String> classNames, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the grid needs room for at least 1 image, got a limit of " + limit);
        }
        List<String> names = ClassNames.of(classNames, model.classes());
        int[] wrong = predictions.misclassified();
        if (wrong.length == 0) {
            throw new IllegalArgumentException("the model classified all " + predictions.size()
                    + " examples right: there are no misclassified images to draw");
        }
        Normalization normalization = predictions.examples() instanceof Dataset data ? data.normalization() : null;
        int shown = Math.min(limit, wrong.length);
        List<TileGrid.Tile> tiles = new ArrayList<>();
        for (int k = 0; k < shown; k++) {
            int i = wrong[k];
            BufferedImage picture = Pictures.input(predictions.image(i, model.inputSize()), model.inputChannels(),
                    model.inputHeight(), model.inputWidth(), normalization);
            tiles.add(new TileGrid.Tile(picture, List.of(
                    "predicted " + names.get(predictions.predicted(i)) + String.format(Locale.ROOT, " (%.0f%%)", 100.0 * predictions.probability(i)),
                    "true " + names.get(predictions.label(i))), WRONG));
        }
        String title = String.format(Locale.ROOT, "%s: %d of the %d misclassified test images (%d examples, accuracy %.2f%%)",
                model.name(), shown, wrong.length, predictions.size(), 100 * predictions.metrics().accuracy());
        String note = "Red: the class the model predicted, with its probability; black: the true class.";
        return new TileGrid(title, List.of(note), tiles, TileGrid.squareColumns(shown, 8),
                TileGrid.scaleFor(model.inputHeight(), model.inputWidth(), 112));
    }
}
