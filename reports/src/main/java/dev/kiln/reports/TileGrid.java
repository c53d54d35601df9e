package dev.kiln.reports;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Small pictures in a grid, each enlarged by whole pixels (no smoothing: a 5x5 filter stays 25
 * squares) with a caption of one or more lines under it, below a title. The geometry is fixed by
 * the tile size and the fonts, so {@link #tileOrigin} tells where each picture is drawn.
 */
final class TileGrid {
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final int MARGIN = 16;
    private static final int GAP = 14;
    private static final int MIN_TEXT_WIDTH = 560;

    /** One picture with its caption lines; the first line is drawn in {@code firstLineColor}, the rest in black. */
    record Tile(BufferedImage picture, List<String> caption, Color firstLineColor) {
        Tile(BufferedImage picture, String... caption) {
            this(picture, List.of(caption), Color.BLACK);
        }
    }

    /** The title and the notes, each wrapped to the width of the tiles (but at least {@link #MIN_TEXT_WIDTH}). */
    private final List<String> titleLines;
    private final List<String> noteLines;
    private final List<Tile> tiles;
    private final int columns;
    private final int scale;
    private final int cellWidth;
    private final int cellHeight;
    private final int headerHeight;
    private final int lineHeight;

    /**
     * @param notes   lines in plain text under the title (scales, what the colours mean)
     * @param scale   screen pixels per picture pixel
     */
    TileGrid(String title, List<String> notes, List<Tile> tiles, int columns, int scale) {
        if (tiles.isEmpty()) {
            throw new IllegalArgumentException("a grid needs at least one picture");
        }
        this.tiles = List.copyOf(tiles);
        this.columns = Math.max(1, Math.min(columns, tiles.size()));
        this.scale = scale;
        FontMetrics text = metrics(TEXT);
        FontMetrics big = metrics(TITLE);
        this.lineHeight = text.getHeight();
        int widest = 0, pictureHeight = 0, lines = 0;
        for (Tile tile : tiles) {
            widest = Math.max(widest, tile.picture().getWidth() * scale);
            pictureHeight = Math.max(pictureHeight, tile.picture().getHeight() * scale);
            lines = Math.max(lines, tile.caption().size());
            for (String line : tile.caption()) {
                widest = Math.max(widest, text.stringWidth(line));
            }
        }
        this.cellWidth = widest;
        this.cellHeight = pictureHeight + 4 + lines * lineHeight;
        int textWidth = Math.max(MIN_TEXT_WIDTH, bodyWidth());
        this.titleLines = wrap(title, TITLE, textWidth);
        List<String> wrappedNotes = new ArrayList<>();
        for (String note : notes) {
            wrappedNotes.addAll(wrap(note, TEXT, textWidth));
        }
        this.noteLines = wrappedNotes;
        this.headerHeight = titleLines.size() * big.getHeight() + noteLines.size() * lineHeight + 10;
    }

    /**
     * {@code text} in lines no wider than {@code width} in {@code font}, broken at spaces (a word
     * wider than that gets a line of its own): a data set named by its file path must not make a
     * picture a metre wide.
     */
    static List<String> wrap(String text, Font font, int width) {
        FontMetrics metrics = metrics(font);
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && metrics.stringWidth(line + " " + word) > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    private int bodyWidth() {
        return columns * cellWidth + (columns - 1) * GAP;
    }

    /** A grid about as wide as tall for {@code count} tiles, at most {@code most} columns. */
    static int squareColumns(int count, int most) {
        return Math.min(most, (int) Math.ceil(Math.sqrt(count)));
    }

    /** Screen pixels per picture pixel so that the larger side of a picture is about {@code target} pixels. */
    static int scaleFor(int height, int width, int target) {
        return Math.max(1, target / Math.max(height, width));
    }

    int rows() {
        return (tiles.size() + columns - 1) / columns;
    }

    int width() {
        int header = 0;
        for (String line : titleLines) {
            header = Math.max(header, metrics(TITLE).stringWidth(line));
        }
        for (String note : noteLines) {
            header = Math.max(header, metrics(TEXT).stringWidth(note));
        }
        return 2 * MARGIN + Math.max(bodyWidth(), header);
    }

    int height() {
        return 2 * MARGIN + headerHeight + rows() * cellHeight + (rows() - 1) * GAP;
    }

    /** Where the top-left pixel of tile {@code i}'s picture is drawn: {x, y}. */
    int[] tileOrigin(int i) {
        int row = i / columns, column = i % columns;
        int x = MARGIN + column * (cellWidth + GAP) + (cellWidth - tiles.get(i).picture().getWidth() * scale) / 2;
        int y = MARGIN + headerHeight + row * (cellHeight + GAP);
        return new int[] {x, y};
    }

    BufferedImage render() {
        BufferedImage image = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setColor(Color.BLACK);
            g.setFont(TITLE);
            FontMetrics big = g.getFontMetrics();
            int y = MARGIN - big.getDescent() - big.getLeading();
            for (String line : titleLines) {
                y += big.getHeight();
                g.drawString(line, MARGIN, y);
            }
            g.setFont(TEXT);
            y += big.getDescent();
            for (String note : noteLines) {
                y += lineHeight;
                g.drawString(note, MARGIN, y);
            }
            for (int i = 0; i < tiles.size(); i++) {
                drawTile(g, i);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private void drawTile(Graphics2D g, int i) {
        Tile tile = tiles.get(i);
        int[] origin = tileOrigin(i);
        int w = tile.picture().getWidth() * scale, h = tile.picture().getHeight() * scale;
        g.drawImage(tile.picture(), origin[0], origin[1], w, h, null);
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(origin[0] - 1, origin[1] - 1, w + 1, h + 1);
        FontMetrics metrics = g.getFontMetrics(TEXT);
        int left = MARGIN + (i % columns) * (cellWidth + GAP);
        int y = origin[1] + h + 4 + metrics.getAscent();
        for (int line = 0; line < tile.caption().size(); line++) {
            String text = tile.caption().get(line);
            g.setColor(line == 0 ? tile.firstLineColor() : Color.BLACK);
            g.drawString(text, left + (cellWidth - metrics.stringWidth(text)) / 2, y);
            y += lineHeight;
        }
    }

    /** The metrics of {@code font} as text is drawn here (antialiased). */
    static FontMetrics metrics(Font font) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            return g.getFontMetrics(font);
        } finally {
            g.dispose();
        }
    }

    /** The lines of {@code tiles}' captions, for tests and messages. */
    List<List<String>> captions() {
        List<List<String>> captions = new ArrayList<>();
        for (Tile tile : tiles) {
            captions.add(tile.caption());
        }
        return captions;
    }
}
