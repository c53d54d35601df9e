package dev.kiln.runtime.kernels;

import java.util.Arrays;

/**
 * Per-thread work buffers for the SIMD kernels: a zero-padded copy of a convolution's input (see
 * {@link Padding}), so the hot loops never test borders. A buffer grows to the largest size asked
 * for and is then reused, so steady-state calls allocate nothing.
 */
final class Scratch {

    /**
     * Independent buffers a single kernel call may need at once: a padded input (the Winograd
     * kernels' and the input gradients'; the direct kernels pad in {@link Padding}), a rearranged
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
}
