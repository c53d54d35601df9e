package dev.kiln.runtime.model;

/**
 * Conversions between PyTorch's layouts (public API and checkpoints) and the kernels' internal
 * ones. Permutations follow {@link Parameter}'s convention: element {@code i} in PyTorch order
 * is {@code value[order[i]]}.
 */
public final class Layouts {
    private Layouts() {}

    /** Conv weights: PyTorch [outC][inC][kh][kw] to internal [kh][kw][inC][outC]. */
    public static int[] conv(int outC, int inC, int kh, int kw) {
        int[] order = new int[outC * inC * kh * kw];
        int i = 0;
        for (int o = 0; o < outC; o++) {
            for (int c = 0; c < inC; c++) {
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        order[i++] = ((y * kw + x) * inC + c) * outC + o;
                    }
                }
            }
        }
        return order;
    }

    /**
     * Dense weights: PyTorch [out][in] with {@code in} flattened in (C, H, W) order, to internal
     * [in][out] with {@code in} in the (H, W, C) order of the activation it reads. A dense layer
     * after a flat vector of n values is {@code dense(out, n, 1, 1)}.
     */
    public static int[] dense(int out, int channels, int height, int width) {
        int in = channels * height * width;
        int[] order = new int[out * in];
        int i = 0;
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        order[i++] = ((y * width + x) * channels + c) * out + o;
                    }
                }
            }
        }
        return order;
    }

    /** Copies {@code count} examples from (C, H, W) to (H, W, C) layout. */
    public static void chwToHwc(float[] src, int srcOff, float[] dst, int dstOff,
                                int count, int channels, int height, int width) {
        int plane = height * width;
        int size = plane * channels;
        for (int n = 0; n < count; n++) {
            int s = srcOff + n * size;
            int d = dstOff + n * size;
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < plane; p++) {
                    dst[d + p * channels + c] = src[s + c * plane + p];
                }
            }
        }
    }

    /** Copies {@code count} examples from (H, W, C) to (C, H, W) layout: the inverse of {@link #chwToHwc}. */
    public static void hwcToChw(float[] src, int srcOff, float[] dst, int dstOff,
                                int count, int channels, int height, int width) {
        // (H, W, C) is the (C, H, W) layout of an image with H*W "channels" of C x 1 pixels each,
        // and its (H, W, C) layout is the (C, H, W) one we want.
        chwToHwc(src, srcOff, dst, dstOff, count, height * width, channels, 1);
    }
}
