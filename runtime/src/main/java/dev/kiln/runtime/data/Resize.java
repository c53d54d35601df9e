package dev.kiln.runtime.data;

/**
 * Bilinear resizing of one image plane, as Pillow's {@code resize(BILINEAR)}: separable, a triangle
 * filter centred on each output pixel's centre ({@code (o + 0.5) * scale} in source pixels), whose
 * support widens by the scale when shrinking, so that every source pixel contributes; the weights
 * of each output pixel are normalized to sum to 1 (which also handles the edges).
 */
final class Resize {
    private Resize() {
    }

    /** {@code source} (height x width, row by row) resized to outHeight x outWidth. */
    static float[] bilinear(float[] source, int height, int width, int outHeight, int outWidth) {
        if (height == outHeight && width == outWidth) {
            return source;
        }
        Filter across = new Filter(width, outWidth);
        float[] rows = new float[height * outWidth];
        for (int y = 0; y < height; y++) {
            across.apply(source, y * width, 1, rows, y * outWidth, 1);
        }
        Filter down = new Filter(height, outHeight);
        float[] out = new float[outHeight * outWidth];
        for (int x = 0; x < outWidth; x++) {
            down.apply(rows, x, outWidth, out, x, outWidth);
        }
        return out;
    }

    /** The weights that take a line of {@code in} samples to {@code out}. */
    private static final class Filter {
        private final int[] first;
        private final float[][] weights;

        Filter(int in, int out) {
            double scale = (double) in / out;
            double support = Math.max(scale, 1.0);
            first = new int[out];
            weights = new float[out][];
            for (int o = 0; o < out; o++) {
                double centre = (o + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(centre - support));
                int hi = Math.min(in, (int) Math.ceil(centre + support));
                double[] w = new double[hi - lo];
                double sum = 0;
                for (int i = lo; i < hi; i++) {
                    double distance = Math.abs(i + 0.5 - centre) / support;
                    w[i - lo] = Math.max(0, 1 - distance);
                    sum += w[i - lo];
                }
                weights[o] = new float[w.length];
                for (int k = 0; k < w.length; k++) {
                    weights[o][k] = (float) (w[k] / sum);
                }
                first[o] = lo;
            }
        }

        /** out[outStart + o * outStride] = sum_k weights[o][k] * in[inStart + (first[o] + k) * inStride]. */
        void apply(float[] in, int inStart, int inStride, float[] out, int outStart, int outStride) {
            for (int o = 0; o < first.length; o++) {
                float[] w = weights[o];
                int at = inStart + first[o] * inStride;
                float sum = 0;
                for (int k = 0; k < w.length; k++) {
                    sum += w[k] * in[at + k * inStride];
                }
                out[outStart + o * outStride] = sum;
            }
        }
    }
}
