package dev.kiln.reports;

import dev.kiln.runtime.train.ClassificationMetrics;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * The confusion matrix as a heat map: a row per true class, a column per predicted class, each
 * cell coloured by its count (white 0 to dark blue at the largest count) and labelled with it,
 * class names on both axes, and a colour bar. Each row's recall is written at its right end.
 */
public final class ConfusionHeatMap {
    private static final Font NAMES = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font AXIS = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final int MARGIN = 16;
    private static final int BAR_WIDTH = 18;

    private final long[][] counts;
    private final List<String> names;
    /** The title, wrapped to the width of the grid, recalls and colour bar. */
    private final List<String> titleLines;
    private final long largest;
    /** The pixel layout, fixed by the class count and the names' widths. */
    private final int cell;
    private final int left;
    private final int top;
    private final int gridSize;
    private final int width;
    private final int height;

    private ConfusionHeatMap(long[][] counts, List<String> names, String title) {
        this.counts = counts;
        this.names = names;
        long most = 0;
        for (long[] row : counts) {
            for (long n : row) {
                most = Math.max(most, n);
            }
        }
        this.largest = most;
        FontMetrics metrics = metrics(NAMES);
        int longestName = names.stream().mapToInt(metrics::stringWidth).max().orElse(0);
        int n = counts.length;
        // Cells big enough for a 5-digit count, shrinking for many classes down to 14 pixels.
        this.cell = Math.max(14, Math.min(64, 640 / n));
        this.gridSize = n * cell;
        this.left = MARGIN + metrics(AXIS).getHeight() + longestName + 8;
        this.width = left + gridSize + recallWidth() + BAR_WIDTH + 70 + MARGIN;
        this.titleLines = TileGrid.wrap(title, TileGrid.TITLE, width - 2 * MARGIN);
        this.top = MARGIN + titleLines.size() * metrics(TileGrid.TITLE).getHeight() + 12;
        // The column names are written at 45 degrees below the grid.
        this.height = top + gridSize + (int) Math.ceil(longestName * Math.sqrt(0.5)) + metrics.getHeight() + 10
                + metrics(AXIS).getHeight() + MARGIN;
    }

    /**
     * The heat map of {@code metrics}' confusion matrix.
     *
     * @param classNames one name per class, or empty for the indices
     * @param title      the line above the map, e.g. "Tf1636 on Fashion-MNIST test"
     */
    public static BufferedImage render(ClassificationMetrics metrics, List<String> classNames, String title) {
        return of(metrics, classNames, title).render();
    }

    static ConfusionHeatMap of(ClassificationMetrics metrics, List<String> classNames, String title) {
        if (metrics.count() == 0) {
            throw new IllegalArgumentException("the confusion matrix holds no examples: there is nothing to draw");
        }
        return new ConfusionHeatMap(metrics.confusionMatrix(), ClassNames.of(classNames, metrics.classes()), title);
    }

    /** Room right of the grid for each row's recall, before the colour bar. */
    private static int recallWidth() {
        return metrics(NAMES).stringWidth("recall 100.0%") + 24;
    }

    /** The top-left pixel of the cell of true class {@code row}, predicted class {@code column}: {x, y}. */
    int[] cellOrigin(int row, int column) {
        return new int[] {left + column * cell, top + row * cell};
    }

    int cellSize() {
        return cell;
    }

    Color colour(long count) {
        return ColorMaps.blues(largest == 0 ? 0 : (double) count / largest);
    }

    BufferedImage render() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            g.setFont(TileGrid.TITLE);
            FontMetrics big = g.getFontMetrics();
            for (int line = 0; line < titleLines.size(); line++) {
                g.drawString(titleLines.get(line), MARGIN, MARGIN + big.getAscent() + line * big.getHeight());
            }
            drawCells(g);
            drawNames(g);
            drawColourBar(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    private void drawCells(Graphics2D g) {
        int n = counts.length;
        Font countFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(14, cell / 4)));
        g.setFont(countFont);
        FontMetrics metrics = g.getFontMetrics();
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                int[] at = cellOrigin(r, c);
                Color fill = colour(counts[r][c]);
                g.setColor(fill);
                g.fillRect(at[0], at[1], cell, cell);
                String text = Long.toString(counts[r][c]);
                if (metrics.stringWidth(text) <= cell - 2) {
                    g.setColor(ColorMaps.textOn(fill));
                    g.drawString(text, at[0] + (cell - metrics.stringWidth(text)) / 2,
                            at[1] + (cell - metrics.getHeight()) / 2 + metrics.getAscent());
                }
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(left, top, gridSize, gridSize);
        g.setFont(NAMES);
        g.setColor(Color.DARK_GRAY);
        for (int r = 0; r < n; r++) {
            long total = 0;
            for (long count : counts[r]) {
                total += count;
            }
            String recall = total == 0 ? "" : String.format(Locale.ROOT, "recall %.1f%%", 100.0 * counts[r][r] / total);
            g.drawString(recall, left + gridSize + 8, top + r * cell + (cell + g.getFontMetrics().getAscent()) / 2 - 2);
        }
    }

    private void drawNames(Graphics2D g) {
        g.setFont(NAMES);
        g.setColor(Color.BLACK);
        FontMetrics metrics = g.getFontMetrics();
        for (int r = 0; r < names.size(); r++) {
            String name = names.get(r);
            g.drawString(name, left - 6 - metrics.stringWidth(name), top + r * cell + (cell + metrics.getAscent()) / 2 - 2);
        }
        AffineTransform plain = g.getTransform();
        for (int c = 0; c < names.size(); c++) {
            String name = names.get(c);
            // Rotated 45 degrees, ending under the column's centre.
            g.translate(left + c * cell + cell / 2 + 4, top + gridSize + 8);
            g.rotate(-Math.PI / 4);
            g.drawString(name, -metrics.stringWidth(name), metrics.getAscent());
            g.setTransform(plain);
        }
        g.setFont(AXIS);
        FontMetrics axis = g.getFontMetrics();
        String predicted = "predicted class";
        g.drawString(predicted, left + (gridSize - axis.stringWidth(predicted)) / 2, height - MARGIN - axis.getDescent());
        String actual = "true class";
        g.translate(MARGIN + axis.getAscent(), top + (gridSize + axis.stringWidth(actual)) / 2);
        g.rotate(-Math.PI / 2);
        g.drawString(actual, 0, 0);
        g.setTransform(plain);
    }

    private void drawColourBar(Graphics2D g) {
        int x = left + gridSize + recallWidth();
        for (int y = 0; y < gridSize; y++) {
            g.setColor(ColorMaps.blues(1 - (double) y / (gridSize - 1)));
            g.fillRect(x, top + y, BAR_WIDTH, 1);
        }
        g.setColor(Color.GRAY);
        g.drawRect(x, top, BAR_WIDTH, gridSize);
        g.setColor(Color.BLACK);
        g.setFont(NAMES);
        FontMetrics metrics = g.getFontMetrics();
        g.drawString(Long.toString(largest), x + BAR_WIDTH + 6, top + metrics.getAscent());
        g.drawString("0", x + BAR_WIDTH + 6, top + gridSize);
    }

    private static FontMetrics metrics(Font font) {
        return TileGrid.metrics(font);
    }
}
