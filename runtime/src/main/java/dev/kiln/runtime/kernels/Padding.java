package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Copies between a convolution's input and its zero-padded form ([h][w][c], row-major), in which
 * every window a kernel reads lies inside the buffer; the direct kernels pad into a buffer each
 * thread keeps here ({@link #zeroPadded}), the others into a {@link Scratch} buffer of theirs.
 */
final class Padding {

    private Padding() {
    }

    /**
     * Copies the h x w x c window of x whose top-left corner is (-top, -left) into dst, with zero
     * wherever the window lies outside x (inH x inW x c).
     *
     * <p>A row whose copied span is a vector or longer is written in whole vectors, all inside the
     * row: its border zeros first, then the span, whose last vector ends where the span ends and may
     * overlap the one before it (and the zeros, which it then overwrites). A one-channel image, as a
     * first layer pads it, has rows of a few dozen floats, for which two short fills and a copy call
     * each cost more than the copying: tf-mnist's 28 x 28 input padded to 32 x 32 took 164-170 ns
     * an image this way against 375-387 with {@link Arrays#fill} and {@link System#arraycopy} (Zen 5,
     * one JVM, in turns), where the convolution that reads it takes about 6 us; that convolution's
     * whole forward pass over 64 images ran 1-2% faster.
     */
    static void copyPadded(float[] x, int xOff, int inH, int inW, int c,
                           int top, int left, int h, int w, float[] dst, int dstOff) {
        copy(x, xOff, inH, inW, c, top, left, h, w, dst, dstOff, true);
    }

    /**
     * This thread's zero-padded copy of x, as {@link #copyPadded} writes it, followed by tail more
     * zeros; the caller only reads it. The buffer is this class's alone, so when the thread pads
     * another input of the same shape its border zeros are still in place, and only the input's
     * own rows are copied: a batch pads image after image of one shape. The copy is valid until
     * the thread's next call. tf-mnist's 28 x 28 input padded to 32 x 32 took 72-100 ns an image
     * this way against 144-199 writing the borders again (Zen 5, one JVM, in turns); its first
     * convolution over 64 images (`kiln kernels`, three JVMs of each in turns, in a slow spell)
     * ran its forward pass at 71-78% of the peak against 66-69%, its weight gradient at 74-84%
     * against 71-75%, and emotion's forward at 70-79% against 67-70%.
     */
    static float[] zeroPadded(float[] x, int xOff, int inH, int inW, int c, int top, int left, int h, int w, int tail) {
        PaddedCopy copy = COPIES.get();
        boolean bordersInPlace = copy.holds(inH, inW, c, top, left, h, w, tail);
        float[] dst = bordersInPlace ? copy.data : copy.reshape(inH, inW, c, top, left, h, w, tail);
        copy(x, xOff, inH, inW, c, top, left, h, w, dst, 0, !bordersInPlace);
        return dst;
    }

    /** {@link #copyPadded}, its border zeros written only when borders is set. */
    private static void copy(float[] x, int xOff, int inH, int inW, int c, int top, int left, int h, int w,
                             float[] dst, int dstOff, boolean borders) {
        int lo = Math.min(Math.max(left, 0), w);                // first column inside x
        int hi = Math.max(Math.min(left + inW, w), lo);         // one past the last
        int rowLength = w * c, spanFrom = lo * c, spanTo = hi * c;
        if (spanTo - spanFrom < L) {
            copyPaddedShortRows(x, xOff, inH, inW, c, top, left, lo, hi, h, w, dst, dstOff, borders);
            return;
        }
        FloatVector zero = FloatVector.zero(S);
        int lastVector = rowLength - L;                         // the last whole vector that starts in the row
        for (int r = 0; r < h; r++) {
            int row = dstOff + r * rowLength, ih = r - top;
            if (ih < 0 || ih >= inH) {
                for (int s = 0; borders && s < rowLength; s += L) {
                    zero.intoArray(dst, row + Math.min(s, lastVector));
                }
                continue;
            }
            for (int s = 0; borders && s < spanFrom; s += L) {
                zero.intoArray(dst, row + Math.min(s, lastVector));
            }
            for (int s = spanTo; borders && s < rowLength; s += L) {
                zero.intoArray(dst, row + Math.min(s, lastVector));
            }
            int from = xOff + (ih * inW + lo - left) * c - spanFrom;      // x's float for dst[row + s] is from + s
            int s = spanFrom;
            for (; s + L <= spanTo; s += L) {
                FloatVector.fromArray(S, x, from + s).intoArray(dst, row + s);
            }
            if (s < spanTo) {
                FloatVector.fromArray(S, x, from + spanTo - L).intoArray(dst, row + spanTo - L);
            }
        }
    }

    /**
     * {@link #copy} for spans shorter than a vector: fills (where borders is set) and a copy per
     * row, the span being the columns [lo, hi) of dst.
     */
    private static void copyPaddedShortRows(float[] x, int xOff, int inH, int inW, int c, int top, int left,
                                            int lo, int hi, int h, int w, float[] dst, int dstOff, boolean borders) {
        for (int r = 0; r < h; r++) {
            int row = dstOff + r * w * c;
            int ih = r - top;
            if (ih < 0 || ih >= inH) {
                if (borders) {
                    Arrays.fill(dst, row, row + w * c, 0f);
                }
                continue;
            }
            if (borders) {
                Arrays.fill(dst, row, row + lo * c, 0f);
                Arrays.fill(dst, row + hi * c, row + w * c, 0f);
            }
            System.arraycopy(x, xOff + (ih * inW + lo - left) * c, dst, row + lo * c, (hi - lo) * c);
        }
    }

    /**
     * The inverse of {@link #copyPadded}: copies the inH x inW x c window of src (h x w pixels,
     * srcPixel floats apart, of which the first c are copied: channels padded to whole vectors
     * stay behind) whose top-left corner is (top, left) to dst, with zero wherever the window lies
     * outside src. A padded buffer spans only the pixels some window reads, so it may end before
     * the input does (windows that do not reach its last rows or columns): those pixels come out zero.
     */
    static void copyUnpadded(float[] src, int h, int w, int srcPixel, int c, int top, int left,
                             float[] dst, int dstOff, int inH, int inW) {
        int lo = Math.min(Math.max(-left, 0), inW);             // first column of dst inside src
        int hi = Math.max(Math.min(w - left, inW), lo);         // one past the last
        for (int ih = 0; ih < inH; ih++) {
            int row = dstOff + ih * inW * c;
            int r = ih + top;
            if (r < 0 || r >= h) {
                Arrays.fill(dst, row, row + inW * c, 0f);
                continue;
            }
            Arrays.fill(dst, row, row + lo * c, 0f);
            copyPixels(src, (r * w + lo + left) * srcPixel, srcPixel, dst, row + lo * c, c, hi - lo, c);
            Arrays.fill(dst, row + hi * c, row + inW * c, 0f);
        }
    }

    /**
     * Copies the first {@code channels} floats of {@code count} pixels from src (srcPixel floats
     * apart) to dst (dstPixel apart): one copy where the pixels are contiguous on both sides, else a
     * short loop per pixel, where a call to System.arraycopy per pixel would cost more than the few
     * floats it moves.
     */
    static void copyPixels(float[] src, int from, int srcPixel, float[] dst, int to, int dstPixel, int count, int channels) {
        if (channels == srcPixel && channels == dstPixel) {
            System.arraycopy(src, from, dst, to, count * channels);
            return;
        }
        for (int p = 0; p < count; p++, from += srcPixel, to += dstPixel) {
            for (int ch = 0; ch < channels; ch++) {
                dst[to + ch] = src[from + ch];
            }
        }
    }

    private static final ThreadLocal<PaddedCopy> COPIES = ThreadLocal.withInitial(PaddedCopy::new);

    /** A thread's padded buffer and the shape whose border zeros it holds. */
    private static final class PaddedCopy {
        float[] data = new float[0];
        private int inH = -1, inW, c, top, left, h, w, tail;

        boolean holds(int inH, int inW, int c, int top, int left, int h, int w, int tail) {
            return this.inH == inH && this.inW == inW && this.c == c && this.top == top && this.left == left
                    && this.h == h && this.w == w && this.tail == tail;
        }

        /** The buffer for a new shape, its tail zero; the borders are for the caller to write. */
        float[] reshape(int inH, int inW, int c, int top, int left, int h, int w, int tail) {
            int size = h * w * c;
            if (data.length < size + tail) {
                data = new float[size + tail];
            }
            Arrays.fill(data, size, size + tail, 0f);
            this.inH = inH; this.inW = inW; this.c = c; this.top = top; this.left = left;
            this.h = h; this.w = w; this.tail = tail;
            return data;
        }
    }
}
