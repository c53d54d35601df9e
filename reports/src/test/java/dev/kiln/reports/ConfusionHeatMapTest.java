package dev.kiln.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.train.ClassificationMetrics;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The heat map's cells: each where the layout says, coloured by its count, darker for more. */
class ConfusionHeatMapTest {
    /** [label][predicted], every count different, so every pair of cells must order. */
    private static final long[][] COUNTS = {{40, 3, 0, 7}, {1, 25, 12, 2}, {5, 9, 31, 4}, {6, 8, 10, 50}};

    private static ClassificationMetrics metrics() {
        ClassificationMetrics metrics = new ClassificationMetrics(4, 1);
        for (int label = 0; label < 4; label++) {
            for (int predicted = 0; predicted < 4; predicted++) {
                float[] scores = new float[4];
                scores[predicted] = 1;
                for (long n = 0; n < COUNTS[label][predicted]; n++) {
                    metrics.add(scores, 0, label);
                }
            }
        }
        return metrics;
    }

    private static int brightness(int rgb) {
        return ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
    }

    @Test
    void cellColoursOrderByCount() {
        List<String> names = List.of("cat", "dog", "horse", "a rather long class name");
        ConfusionHeatMap map = ConfusionHeatMap.of(metrics(), names, "test");
        BufferedImage image = map.render();
        record Cell(long count, int rgb) {}
        List<Cell> cells = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                int[] at = map.cellOrigin(r, c);
                // A corner of the cell: the count is written in its middle.
                int rgb = image.getRGB(at[0] + 2, at[1] + 2) & 0xffffff;
                assertEquals(map.colour(COUNTS[r][c]).getRGB() & 0xffffff, rgb, "cell " + r + ", " + c);
                assertEquals(rgb, image.getRGB(at[0] + map.cellSize() - 2, at[1] + map.cellSize() - 2) & 0xffffff,
                        "cell " + r + ", " + c + " is one colour");
                cells.add(new Cell(COUNTS[r][c], rgb));
            }
        }
        cells.sort((a, b) -> Long.compare(a.count(), b.count()));
        for (int i = 1; i < cells.size(); i++) {
            assertTrue(brightness(cells.get(i).rgb()) < brightness(cells.get(i - 1).rgb()),
                    cells.get(i).count() + " is not darker than " + cells.get(i - 1).count());
        }
        assertEquals(Color.WHITE.getRGB() & 0xffffff, map.colour(0).getRGB() & 0xffffff, "0 is white");
    }

    @Test
    void longerNamesMakeRoomOnBothAxes() {
        BufferedImage short_ = ConfusionHeatMap.render(metrics(), List.of("a", "b", "c", "d"), "t");
        BufferedImage long_ = ConfusionHeatMap.render(metrics(), List.of("a", "b", "c", "a rather long class name"), "t");
        assertTrue(long_.getWidth() > short_.getWidth() && long_.getHeight() > short_.getHeight());
    }

    @Test
    void badInputIsAClearError() {
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                () -> ConfusionHeatMap.render(metrics(), List.of("a", "b"), "t"));
        assertEquals("2 class names for 4 classes: [a, b]", names.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> ConfusionHeatMap.render(new ClassificationMetrics(3, 1), List.of(), "t"));
        assertEquals("the confusion matrix holds no examples: there is nothing to draw", empty.getMessage());
    }
}
