package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Padding} against the definition, element by element: every float of the padded buffer
 * written (the buffer starts as NaN), nothing written past it, and the copy back. The shapes give
 * rows shorter than a vector, rows of whole vectors, spans that end inside a vector (the overlapping
 * last copy), borders wider than a vector, buffers that end before the input does, and several
 * channels; the build runs this at 512, 256 and 128 bits and as an AVX2 machine. The thread's
 * reused buffer ({@link Padding#zeroPadded}) is checked against the same definition as shapes
 * change and come back, after its borders were dirtied where only a new shape may rewrite them.
 */
class PaddingTest {

    @ParameterizedTest(name = "{0}x{1}x{2} at ({3},{4}) in {5}x{6}")
    @CsvSource({
            // inH, inW, c, top, left, h, w
            "28, 28, 1, 2, 2, 32, 32",      // tf-mnist's conv1, SAME 5x5
            "28, 28, 1, 0, 0, 28, 28",      // nothing to pad
            "28, 28, 1, 1, 1, 30, 30",
            "48, 48, 1, 2, 2, 52, 52",      // emotion's conv1
            "9, 10, 1, 2, 1, 12, 13",       // rows shorter than 16 floats
            "5, 5, 1, 0, 0, 5, 5",
            "20, 17, 1, 3, 2, 25, 22",
            "13, 13, 1, 2, 20, 17, 40",     // a left border wider than a vector
            "28, 28, 1, 0, 0, 27, 27",      // the buffer ends before the input does
            "14, 14, 32, 2, 2, 18, 18",     // tf-mnist's conv2
            "11, 11, 3, 1, 1, 13, 13",
            "7, 7, 5, 3, 3, 13, 13",
            "6, 6, 2, 0, 1, 6, 7"
    })
    void copiesAsDefined(int inH, int inW, int c, int top, int left, int h, int w) {
        Random random = new Random(inH * 31L + inW * 7L + c + top + left);
        int examples = 3, image = inH * inW * c, padded = h * w * c;
        float[] x = new float[examples * image];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() - 0.5f;
        }
        for (int e = 0; e < examples; e++) {
            float[] dst = new float[padded + 40];
            Arrays.fill(dst, Float.NaN);
            Padding.copyPadded(x, e * image, inH, inW, c, top, left, h, w, dst, 0);
            float[] expected = new float[padded + 40];
            Arrays.fill(expected, padded, expected.length, Float.NaN);
            for (int r = 0; r < h; r++) {
                for (int col = 0; col < w; col++) {
                    int ih = r - top, iw = col - left;
                    for (int k = 0; k < c; k++) {
                        boolean inside = ih >= 0 && ih < inH && iw >= 0 && iw < inW;
                        expected[(r * w + col) * c + k] = inside ? x[e * image + (ih * inW + iw) * c + k] : 0f;
                    }
                }
            }
            assertArrayEquals(expected, dst, "example " + e);

            float[] back = new float[image + 2];
            Arrays.fill(back, Float.NaN);
            Padding.copyUnpadded(dst, h, w, c, c, top, left, back, 1, inH, inW);
            for (int ih = 0; ih < inH; ih++) {
                for (int iw = 0; iw < inW; iw++) {
                    boolean kept = ih + top < h && iw + left < w;
                    for (int k = 0; k < c; k++) {
                        int at = (ih * inW + iw) * c + k;
                        float want = kept ? x[e * image + at] : 0f;
                        if (Float.compare(back[1 + at], want) != 0) {
                            throw new AssertionError("copyUnpadded at (" + ih + "," + iw + "," + k + "): " + back[1 + at] + ", not " + want);
                        }
                    }
                }
            }
        }
    }

    @Test
    void reusedBufferKeepsItsBordersAcrossShapesAndImages() {
        int[][] shapes = {
                // inH, inW, c, top, left, h, w, tail
                {28, 28, 1, 2, 2, 32, 32, 16},
                {28, 28, 1, 2, 2, 32, 32, 0},      // the same shape with another tail
                {9, 10, 1, 2, 1, 12, 13, 3},       // short rows
                {14, 14, 32, 2, 2, 18, 18, 0},
                {28, 28, 1, 0, 0, 27, 27, 0},      // the buffer ends before the input
                {48, 48, 1, 2, 2, 52, 52, 16},
        };
        Random random = new Random(5);
        int[] order = {0, 0, 0, 1, 1, 0, 2, 2, 3, 3, 0, 4, 4, 5, 0, 5, 3, 2, 0, 5, 1, 0};
        for (int step = 0; step < order.length; step++) {
            int[] s = shapes[order[step]];
            int inH = s[0], inW = s[1], c = s[2], top = s[3], left = s[4], h = s[5], w = s[6], tail = s[7];
            int image = inH * inW * c, offset = 1 + random.nextInt(5);
            float[] x = new float[offset + image];
            Arrays.fill(x, 0, offset, Float.NaN);          // read before the image: NaN in the copy
            for (int i = offset; i < x.length; i++) {
                x[i] = random.nextFloat() + 0.5f;           // never zero: a stale image shows
            }
            float[] dst = Padding.zeroPadded(x, offset, inH, inW, c, top, left, h, w, tail);
            float[] expected = new float[h * w * c + tail];
            for (int r = 0; r < h; r++) {
                for (int col = 0; col < w; col++) {
                    int ih = r - top, iw = col - left;
                    for (int k = 0; k < c; k++) {
                        boolean inside = ih >= 0 && ih < inH && iw >= 0 && iw < inW;
                        expected[(r * w + col) * c + k] = inside ? x[offset + (ih * inW + iw) * c + k] : 0f;
                    }
                }
            }
            assertArrayEquals(expected, Arrays.copyOf(dst, expected.length), "step " + step + ", shape " + order[step]);
        }
    }
}
