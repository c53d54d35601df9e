package dev.kiln.runtime.kernels;

/**
 * The three transforms of Winograd's minimal filtering algorithm F(2x2, 5x5): a 6x6 input tile d
 * and a 5x5 kernel g give the 2x2 outputs of their correlation as Y = A^T [(G g G^T) * (B^T d B)] A,
 * with * element-wise: 36 multiplications for 4 outputs, against 100 directly.
 *
 * <p>The interpolation points are 0, 1, -1, 1/2, -1/2 and infinity. Zero, +-1 and infinity are
 * exact and cost no multiplications; the fifth and sixth point must be something else, and +-1/2
 * (rather than +-2) keeps every entry of A^T, which acts on the products, at +-1 or +-1/2: exact
 * in float, so the output transform adds rounding only through its additions. The pairs +-p let
 * each pair of rows of B^T and A^T share their even and odd parts. Measured on tf-mnist's conv2
 * shapes in float32 (numpy, 3 random layers), +-2 in place of +-1/2 gave the same mean error
 * (8.2e-7 against 8.1e-7), the mixed sets no better; the rows of B^T are scaled to small integers and G
 * carries the inverse scale, because G is applied once per weight update, in double.
 *
 * <pre>
 *        [ 1  0 -5  0  4  0 ]        [  1     0     0     0     0   ]
 *        [ 0 -1 -1  4  4  0 ]        [  1/6   1/6   1/6   1/6   1/6 ]
 *  B^T = [ 0  1 -1 -4  4  0 ]    G = [  1/6  -1/6   1/6  -1/6   1/6 ]    A^T = [ 1  1  1  1    1    0 ]
 *        [ 0 -1 -2  1  2  0 ]        [ -4/3  -2/3  -1/3  -1/6  -1/12]          [ 0  1 -1  1/2 -1/2  1 ]
 *        [ 0  1 -2 -1  2  0 ]        [ -4/3   2/3  -1/3   1/6  -1/12]
 *        [ 0  1  0 -5  0  4 ]        [  0     0     0     0     1/4 ]
 * </pre>
 *
 * The vector code of {@link WinogradConv} spells out B^T and A^T row by row; these arrays are
 * the reference the tests check it and the algorithm's identity against.
 */
final class WinogradTransforms {

    /** Input tile side (m + r - 1), output tile side (m) and kernel side (r). */
    static final int ALPHA = 6, M = 2, R = 5;
    /** Positions of the transformed tile: the 36 element-wise products, each one GEMM over channels. */
    static final int POSITIONS = ALPHA * ALPHA;

    static final double[][] BT = {
            {1, 0, -5, 0, 4, 0},
            {0, -1, -1, 4, 4, 0},
            {0, 1, -1, -4, 4, 0},
            {0, -1, -2, 1, 2, 0},
            {0, 1, -2, -1, 2, 0},
            {0, 1, 0, -5, 0, 4}};
    static final double[][] G = {
            {1, 0, 0, 0, 0},
            {1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0},
            {1 / 6.0, -1 / 6.0, 1 / 6.0, -1 / 6.0, 1 / 6.0},
            {-4 / 3.0, -2 / 3.0, -1 / 3.0, -1 / 6.0, -1 / 12.0},
            {-4 / 3.0, 2 / 3.0, -1 / 3.0, 1 / 6.0, -1 / 12.0},
            {0, 0, 0, 0, 1 / 4.0}};
    static final double[][] AT = {
            {1, 1, 1, 1, 1, 0},
            {0, 1, -1, 0.5, -0.5, 1}};

    private WinogradTransforms() {
    }

    /**
     * u[uOff + (pos*nI + i)*nO + o] = (G k G^T)[pos] of each kernel k[kh][kw] = w[tap(kh, kw) + i*iStride + o*oStride],
     * i < nI, o < nO, where tap(kh, kw) = (kh*5 + kw)*tapStride, or ((4-kh)*5 + 4-kw)*tapStride when flip is set
     * (the kernel of a convolution's input gradient). Computed in double and rounded once to float;
     * u is zero where i or o lies in [nI, nIPad) or [nO, nOPad) (row length nOPad, rows nIPad per position).
     */
    static void kernels(float[] w, int tapStride, int iStride, int oStride, int nI, int nO, boolean flip,
                        float[] u, int uOff, int nIPad, int nOPad) {
        java.util.Arrays.fill(u, uOff, uOff + POSITIONS * nIPad * nOPad, 0f);
        double[] k = new double[R * R];
        double[] half = new double[ALPHA * R];       // G k: 6 x 5
        for (int i = 0; i < nI; i++) {
            for (int o = 0; o < nO; o++) {
                for (int kh = 0; kh < R; kh++) {
                    for (int kw = 0; kw < R; kw++) {
                        int tap = flip ? (R - 1 - kh) * R + (R - 1 - kw) : kh * R + kw;
                        k[kh * R + kw] = w[tap * tapStride + i * iStride + o * oStride];
                    }
                }
                for (int a = 0; a < ALPHA; a++) {
                    for (int col = 0; col < R; col++) {
                        double s = 0;
                        for (int kh = 0; kh < R; kh++) {
                            s += G[a][kh] * k[kh * R + col];
                        }
                        half[a * R + col] = s;
                    }
                }
                for (int a = 0; a < ALPHA; a++) {
                    for (int b = 0; b < ALPHA; b++) {
                        double s = 0;
                        for (int col = 0; col < R; col++) {
                            s += half[a * R + col] * G[b][col];
                        }
                        u[uOff + ((a * ALPHA + b) * nIPad + i) * nOPad + o] = (float) s;
                    }
                }
            }
        }
    }
}
