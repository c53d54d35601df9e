package dev.kiln.reports;

import java.awt.Color;

/** The colour scales of the pictures: piecewise-linear between a few stops, as matplotlib's maps are. */
final class ColorMaps {
    private ColorMaps() {}

    /** White to dark blue (the stops of ColorBrewer's "Blues", starting from pure white): for counts, 0 is white. */
    private static final int[][] BLUES = {
            {255, 255, 255}, {222, 235, 247}, {198, 219, 239}, {158, 202, 225}, {107, 174, 214},
            {66, 146, 198}, {33, 113, 181}, {8, 81, 156}, {8, 48, 107}};

    /** Blue through white to red (ColorBrewer's "RdBu", reversed): for signed weights, 0 is white. */
    private static final int[][] BLUE_WHITE_RED = {
            {33, 102, 172}, {103, 169, 207}, {209, 229, 240}, {247, 247, 247}, {253, 219, 199}, {239, 138, 98}, {178, 24, 43}};

    /** {@code t} in [0, 1] (clamped) to white..dark blue. */
    static Color blues(double t) {
        return interpolate(BLUES, t);
    }

    /** {@code t} in [-1, 1] (clamped) to blue..white..red. */
    static Color blueWhiteRed(double t) {
        return interpolate(BLUE_WHITE_RED, (t + 1) / 2);
    }

    /** {@code t} in [0, 1] (clamped) to black..white. */
    static Color gray(double t) {
        int v = (int) Math.round(255 * clamp(t));
        return new Color(v, v, v);
    }

    /** Black or white, whichever reads better on {@code background}. */
    static Color textOn(Color background) {
        double luminance = 0.299 * background.getRed() + 0.587 * background.getGreen() + 0.114 * background.getBlue();
        return luminance < 140 ? Color.WHITE : Color.BLACK;
    }

    private static Color interpolate(int[][] stops, double t) {
        double at = clamp(t) * (stops.length - 1);
        int i = Math.min((int) at, stops.length - 2);
        double f = at - i;
        int[] a = stops[i], b = stops[i + 1];
        return new Color(mix(a[0], b[0], f), mix(a[1], b[1], f), mix(a[2], b[2], f));
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }

    private static double clamp(double t) {
        return Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t));
    }
}
