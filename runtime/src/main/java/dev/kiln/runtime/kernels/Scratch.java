package dev.kiln.runtime.kernels;

import java.util.Arrays;

/**
 * Per-thread work buffers for the SIMD kernels: a zero-padded copy of a convolution's input, so
 * the hot loops never test borders. A buffer grows to the largest size asked for and is then
 * reused, so steady-state calls allocate nothing.
 */
final class Scratch {

    /**
     * Independent buffers a single kernel call may need at once: a padded input, a rearranged
     * weight matrix, zeros, and the zero-padded panels a partial vector block works in (operand,
     * output, bias; see {@link TileLoops}), the later depth blocks of a one-row product ({@link PackedDense}),
     * and a block of a convolution's input gradient before it is scattered ({@link ConvInputGradient});
     * a Winograd convolution's transformed inputs, products, output and one tile, and its weight
     * gradient in the transformed space ({@link WinogradConv});
     * the windows of a convolution with short kernel rows laid out as rows ({@link VectorConv#forward}).
     */
    static final int INPUT = 0, WEIGHTS = 1, ZEROS = 2, PANEL = 3, OUT = 4, BIAS = 5, SUMS = 6, COLS = 7,
            WINOGRAD_V = 8, WINOGRAD_M = 9, WINOGRAD_OUT = 10, WINOGRAD_TILE = 11, WINDOWS = 12,
            WINOGRAD_DW = 13;
    private static final int SLOTS = 14;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[SLOTS][0]);

    private Scratch() {
    }

    /** This thread's buffer in the given slot, at least n floats long; its contents are undefined. */
    static float[] floats(int slot, int n) {
        float[][] holder = BUFFERS.get();
        if (holder[slot].length < n) {
            holder[slot] = new float[n];
        }
        return holder[slot];
    }

    /** This thread's buffer of at least n zeros (a bias of zero). */
    static float[] zeros(int n) {
        return zeroed(ZEROS, n);
    }

    /** This thread's buffer in the given slot with its first n floats zero. */
    static float[] zeroed(int slot, int n) {
        float[] z = floats(slot, n);
        Arrays.fill(z, 0, n, 0f);
        return z;
    }

    /**
     * Copies the h x w x c window of x whose top-left corner is (-top, -left) into dst, with zero
     * wherever the window lies outside x (inH x inW x c). Column spans are copied whole.
     */
    static void copyPadded(float[] x, int xOff, int inH, int inW, int c,
                           int top, int left, int h, int w, float[] dst) {
        int lo = Math.min(Math.max(left, 0), w);                // first column inside x
        int hi = Math.max(Math.min(left + inW, w), lo);         // one past the last
        for (int r = 0; r < h; r++) {
            int row = r * w * c;
            int ih = r - top;
            if (ih < 0 || ih >= inH) {
                Arrays.fill(dst, row, row + w * c, 0f);
                continue;
            }
            Arrays.fill(dst, row, row + lo * c, 0f);
            System.arraycopy(x, xOff + (ih * inW + lo - left) * c, dst, row + lo * c, (hi - lo) * c);
            Arrays.fill(dst, row + hi * c, row + w * c, 0f);
        }
    }

    /**
     * The inverse of {@link #copyPadded}: copies the inH x inW x c window of src (h x w x c) whose
     * top-left corner is (top, left) to dst, with zero wherever the window lies outside src. A
     * padded buffer spans only the pixels some window reads, so it may end before the input does
     * (windows that do not reach its last rows or columns): those pixels come out zero.
     */
    static void copyUnpadded(float[] src, int h, int w, int c, int top, int left,
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
            System.arraycopy(src, (r * w + lo + left) * c, dst, row + lo * c, (hi - lo) * c);
            Arrays.fill(dst, row + hi * c, row + inW * c, 0f);
        }
    }
}
