package dev.kiln.runtime.kernels;

/**
 * Winograd's minimal filtering algorithms F(2x2, r x r) for the three kernel sides Kiln runs them
 * on, and F(4x4, r x r) of each for inference: an alpha x alpha input tile d (alpha = m + r - 1) and an r x r
 * kernel g give the m x m outputs of their correlation as Y = A^T [(G g G^T) * (B^T d B)] A, with *
 * element-wise: alpha^2 multiplications for m^2 outputs, against m^2 r^2 directly (for 2x2 outputs
 * 36 against 100 for 5x5, 16 against 36 for 3x3, 9 against 16 for 2x2; {@link #F4X4_3X3} 36
 * against 144, {@link #F4X4_5X5} 64 against 400, {@link #F4X4_2X2} 25 against 64).
 *
 * <p><b>F(2x2, 5x5)</b> interpolates at 0, 1, -1, 1/2, -1/2 and infinity. Zero, +-1 and infinity
 * are exact and cost no multiplications; the fifth and sixth point must be something else, and
 * +-1/2 (rather than +-2) keeps every entry of A^T, which acts on the products, at +-1 or +-1/2:
 * exact in float, so the output transform adds rounding only through its additions. The pairs +-p
 * let each pair of rows of B^T and A^T share their even and odd parts. Simulated in float32 on
 * tf-mnist's conv2 shapes (numpy, 3 random layers), +-2 in place of +-1/2 gave the same mean error
 * (8.2e-7 against 8.1e-7); sets mixing 1/2 and 2 ranged from 6.0e-7 to 1.5e-6, so none was worth
 * the loss of symmetry. The rows of B^T are scaled to small integers and G carries the inverse
 * scale, because G is applied once per weight update, in double.
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
 * <p><b>F(2x2, 3x3)</b> interpolates at 0, 1, -1 and infinity: B^T and A^T hold only 0 and +-1, so
 * both float transforms are additions and subtractions, and the 1/2 of G is applied in double.
 *
 * <pre>
 *        [ 1  0 -1  0 ]        [ 1    0    0  ]
 *  B^T = [ 0  1  1  0 ]    G = [ 1/2  1/2  1/2]    A^T = [ 1  1  1  0 ]
 *        [ 0 -1  1  0 ]        [ 1/2 -1/2  1/2]          [ 0  1 -1 -1 ]
 *        [ 0  1  0 -1 ]        [ 0    0    1  ]
 * </pre>
 *
 * <p><b>F(2x2, 2x2)</b> interpolates at 0, 1 and infinity (y0 = (d0 - d1) g0 + d1 (g0 + g1),
 * y1 = d1 (g0 + g1) + (d2 - d1) g1): every entry is 0 or +-1, so only the float additions round.
 *
 * <pre>
 *        [ 1 -1  0 ]        [ 1  0 ]
 *  B^T = [ 0  1  0 ]    G = [ 1  1 ]    A^T = [ 1  1  0 ]
 *        [ 0 -1  1 ]        [ 0  1 ]          [ 0  1  1 ]
 * </pre>
 *
 * The vector code of {@link WinogradConv} spells out B^T and A^T row by row; these arrays are
 * the reference the tests check it and the algorithm's identity against, and what the kernel
 * transforms ({@link #kernels}, {@link #kernelGradients}) run on, in double.
 */
final class WinogradTransforms {

    static final WinogradTransforms F2X2_5X5 = new WinogradTransforms(5,
            new double[][] {
                    {1, 0, -5, 0, 4, 0},
                    {0, -1, -1, 4, 4, 0},
                    {0, 1, -1, -4, 4, 0},
                    {0, -1, -2, 1, 2, 0},
                    {0, 1, -2, -1, 2, 0},
                    {0, 1, 0, -5, 0, 4}},
            new double[][] {
                    {1, 0, 0, 0, 0},
                    {1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0},
                    {1 / 6.0, -1 / 6.0, 1 / 6.0, -1 / 6.0, 1 / 6.0},
                    {-4 / 3.0, -2 / 3.0, -1 / 3.0, -1 / 6.0, -1 / 12.0},
                    {-4 / 3.0, 2 / 3.0, -1 / 3.0, 1 / 6.0, -1 / 12.0},
                    {0, 0, 0, 0, 1 / 4.0}},
            new double[][] {
                    {1, 1, 1, 1, 1, 0},
                    {0, 1, -1, 0.5, -0.5, 1}});

    static final WinogradTransforms F2X2_3X3 = new WinogradTransforms(3,
            new double[][] {
                    {1, 0, -1, 0},
                    {0, 1, 1, 0},
                    {0, -1, 1, 0},
                    {0, 1, 0, -1}},
            new double[][] {
                    {1, 0, 0},
                    {0.5, 0.5, 0.5},
                    {0.5, -0.5, 0.5},
                    {0, 0, 1}},
            new double[][] {
                    {1, 1, 1, 0},
                    {0, 1, -1, -1}});

    static final WinogradTransforms F2X2_2X2 = new WinogradTransforms(2,
            new double[][] {
                    {1, -1, 0},
                    {0, 1, 0},
                    {0, -1, 1}},
            new double[][] {
                    {1, 0},
                    {1, 1},
                    {0, 1}},
            new double[][] {
                    {1, 1, 0},
                    {0, 1, 1}});

    /**
     * F(4x4, 3x3), for inference only ({@link WinogradConv#inference}): 36 multiplications for 16
     * outputs against 144 directly, 2.25 times fewer than F(2x2, 3x3)'s 16 for 4. At F(2x2, 5x5)'s
     * points (0, +-1, +-1/2, infinity) its B^T is exactly that one's, so the input transform is
     * shared; A^T's entries are powers of 1/2, exact in float. Its float32 outputs are further from
     * float64 than F(2x2, 3x3)'s (1.4-2.1e-6 of their size against 2.5e-7, numpy, 64 input channels
     * of random data): well inside what a prediction needs, but the error would reach every weight
     * gradient through the loss, so training keeps F(2x2, 3x3). G's rows are s (1, p, p^2) for
     * each point p, with the scales s of F(2x2, 5x5)'s G (1, 1/6, 1/6, -4/3, -4/3; 1/4 at infinity).
     *
     * <pre>
     *        [  1     0     0   ]
     *        [  1/6   1/6   1/6 ]          [ 1  1  1  1    1    0 ]
     *    G = [  1/6  -1/6   1/6 ]    A^T = [ 0  1 -1  1/2 -1/2  0 ]
     *        [ -4/3  -2/3  -1/3 ]          [ 0  1  1  1/4  1/4  0 ]
     *        [ -4/3   2/3  -1/3 ]          [ 0  1 -1  1/8 -1/8  1 ]
     *        [  0     0     1/4 ]
     * </pre>
     */
    static final WinogradTransforms F4X4_3X3 = new WinogradTransforms(4, 3, F2X2_5X5.bt,
            new double[][] {
                    {1, 0, 0},
                    {1 / 6.0, 1 / 6.0, 1 / 6.0},
                    {1 / 6.0, -1 / 6.0, 1 / 6.0},
                    {-4 / 3.0, -2 / 3.0, -1 / 3.0},
                    {-4 / 3.0, 2 / 3.0, -1 / 3.0},
                    {0, 0, 1 / 4.0}},
            new double[][] {
                    {1, 1, 1, 1, 1, 0},
                    {0, 1, -1, 0.5, -0.5, 0},
                    {0, 1, 1, 0.25, 0.25, 0},
                    {0, 1, -1, 0.125, -0.125, 1}});

    /**
     * F(4x4, 5x5), for inference only ({@link WinogradConv#inference}): 64 multiplications for 16
     * outputs against 400 directly, 2.25 times fewer than F(2x2, 5x5)'s 36 for 4. It interpolates at
     * 0, +-1, +-1/2, +-2 and infinity; the pairs share even and odd parts as in F(2x2, 5x5), and A^T's
     * entries are powers of 2, exact in float. B^T's rows are scaled to the smallest integers (up to
     * 21), and G carries the inverse scales, in double. Simulated in float32 against float64 (numpy,
     * tf-16-36's and tf-mnist's conv2 shapes, 4 random layers each, ReLU inputs), its outputs' mean
     * error was 1.7e-6 and 2.0e-6 of their size, against 0.9e-6 and 1.1e-6 for F(2x2, 5x5) and 1.2e-7
     * directly: the class of F(4x4, 3x3)'s, so a prediction may use it and training does not.
     *
     * <pre>
     *        [ 4  0 -21   0  21   0 -4  0 ]        [ 1/4     0      0     0     0    ]
     *        [ 0 -4  -4  17  17  -4 -4  0 ]        [ 1/18    1/18   1/18  1/18  1/18 ]
     *        [ 0  4  -4 -17  17   4 -4  0 ]        [ 1/18   -1/18   1/18 -1/18  1/18 ]
     *  B^T = [ 0  4   8  -5 -10   1  2  0 ]    G = [ 16/45   8/45   4/45  2/45  1/45 ]
     *        [ 0 -4   8   5 -10  -1  2  0 ]        [ 16/45  -8/45   4/45 -2/45  1/45 ]
     *        [ 0  2   1 -10  -5   8  4  0 ]        [ 1/360   1/180  1/90  1/45  2/45 ]
     *        [ 0 -2   1  10  -5  -8  4  0 ]        [ 1/360  -1/180  1/90 -1/45  2/45 ]
     *        [ 0 -4   0  21   0 -21  0  4 ]        [ 0       0      0     0     1/4  ]
     *
     *        [ 1  1  1  1    1    1  1  0 ]
     *  A^T = [ 0  1 -1  1/2 -1/2  2 -2  0 ]
     *        [ 0  1  1  1/4  1/4  4  4  0 ]
     *        [ 0  1 -1  1/8 -1/8  8 -8  1 ]
     * </pre>
     */
    static final WinogradTransforms F4X4_5X5 = new WinogradTransforms(4, 5,
            new double[][] {
                    {4, 0, -21, 0, 21, 0, -4, 0},
                    {0, -4, -4, 17, 17, -4, -4, 0},
                    {0, 4, -4, -17, 17, 4, -4, 0},
                    {0, 4, 8, -5, -10, 1, 2, 0},
                    {0, -4, 8, 5, -10, -1, 2, 0},
                    {0, 2, 1, -10, -5, 8, 4, 0},
                    {0, -2, 1, 10, -5, -8, 4, 0},
                    {0, -4, 0, 21, 0, -21, 0, 4}},
            new double[][] {
                    {1 / 4.0, 0, 0, 0, 0},
                    {1 / 18.0, 1 / 18.0, 1 / 18.0, 1 / 18.0, 1 / 18.0},
                    {1 / 18.0, -1 / 18.0, 1 / 18.0, -1 / 18.0, 1 / 18.0},
                    {16 / 45.0, 8 / 45.0, 4 / 45.0, 2 / 45.0, 1 / 45.0},
                    {16 / 45.0, -8 / 45.0, 4 / 45.0, -2 / 45.0, 1 / 45.0},
                    {1 / 360.0, 1 / 180.0, 1 / 90.0, 1 / 45.0, 2 / 45.0},
                    {1 / 360.0, -1 / 180.0, 1 / 90.0, -1 / 45.0, 2 / 45.0},
                    {0, 0, 0, 0, 1 / 4.0}},
            new double[][] {
                    {1, 1, 1, 1, 1, 1, 1, 0},
                    {0, 1, -1, 0.5, -0.5, 2, -2, 0},
                    {0, 1, 1, 0.25, 0.25, 4, 4, 0},
                    {0, 1, -1, 0.125, -0.125, 8, -8, 1}});

    /**
     * F(4x4, 2x2), for inference only ({@link WinogradConv#inference}): 25 multiplications for 16
     * outputs against 64 directly, 1.44 times fewer than F(2x2, 2x2)'s 9 for 4. It interpolates at
     * 0, +-1 and +-2 (no point at infinity: five finite points keep the pairs symmetric), so A^T's
     * entries are powers of 2, exact in float, and B^T's are integers up to 5. Simulated in float32
     * against float64 (numpy, pytorch-mnist's conv2 shape, 32 ReLU input channels, 3 random layers),
     * its outputs' mean error was 4.4e-7 of their size, against 1.7e-7 for F(2x2, 2x2), 0.9e-7
     * directly, 5.4e-7 at 0, +-1, 2 and infinity and 1.1e-6 at 0, +-1 and +-1/2: below F(4x4, 3x3)'s,
     * which predictions already use.
     *
     * <pre>
     *        [ 4  0 -5  0  1 ]        [  1/4    0    ]
     *        [ 0 -4 -4  1  1 ]        [ -1/6   -1/6  ]          [ 1  1  1  1  1 ]
     *  B^T = [ 0  4 -4 -1  1 ]    G = [ -1/6    1/6  ]    A^T = [ 0  1 -1  2 -2 ]
     *        [ 0 -2 -1  2  1 ]        [  1/24   1/12 ]          [ 0  1  1  4  4 ]
     *        [ 0  2 -1 -2  1 ]        [  1/24  -1/12 ]          [ 0  1 -1  8 -8 ]
     * </pre>
     */
    static final WinogradTransforms F4X4_2X2 = new WinogradTransforms(4, 2,
            new double[][] {
                    {4, 0, -5, 0, 1},
                    {0, -4, -4, 1, 1},
                    {0, 4, -4, -1, 1},
                    {0, -2, -1, 2, 1},
                    {0, 2, -1, -2, 1}},
            new double[][] {
                    {1 / 4.0, 0},
                    {-1 / 6.0, -1 / 6.0},
                    {-1 / 6.0, 1 / 6.0},
                    {1 / 24.0, 1 / 12.0},
                    {1 / 24.0, -1 / 12.0}},
            new double[][] {
                    {1, 1, 1, 1, 1},
                    {0, 1, -1, 2, -2},
                    {0, 1, 1, 4, 4},
                    {0, 1, -1, 8, -8}});

    /** The most positions of any algorithm here (64, of alpha = 8): sizes the tile scratch every algorithm shares. */
    static final int MAX_POSITIONS = F4X4_5X5.positions;

    /** Output tile side (m), input tile side (m + r - 1), kernel side (r), and positions of the transformed tile (alpha^2, one GEMM each). */
    final int m, alpha, r, positions;
    final double[][] bt, g, at;

    private WinogradTransforms(int r, double[][] bt, double[][] g, double[][] at) {
        this(2, r, bt, g, at);
    }

    private WinogradTransforms(int m, int r, double[][] bt, double[][] g, double[][] at) {
        this.m = m;
        this.r = r;
        this.alpha = m + r - 1;
        this.positions = alpha * alpha;
        this.bt = bt;
        this.g = g;
        this.at = at;
    }

    /** The algorithm for square kernels of this side, or null when there is none. */
    static WinogradTransforms forKernel(int side) {
        return switch (side) {
            case 5 -> F2X2_5X5;
            case 3 -> F2X2_3X3;
            case 2 -> F2X2_2X2;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return "F(" + m + "x" + m + ", " + r + "x" + r + ")";
    }

    /**
     * Where U[row][col] of one position goes: in the column panels {@link VectorTiles#panelWidth}
     * cuts (four, two or one vectors wide), each [rows][width], the panel at column p starting at
     * p*rows ({@link VectorTiles#panelColumns} reads them).
     */
    static int panelIndex(int row, int col, int rows, int cols) {
        int start = VectorTiles.panelStart(col, cols);
        return start * rows + row * VectorTiles.panelWidth(start, cols) + (col - start);
    }

    /** Channel pairs transformed per pass of {@link #kernels}, input channels per pass of {@link #kernelGradients}. */
    private static final int CHUNK = 256;
    /**
     * Each thread's work rows of {@link #kernels} and {@link #kernelGradients}: alpha x r (at most
     * 8 x 5) rows of partial transforms for a block of channels, then one output row. Made once, so repacking after each
     * optimizer step and each weight gradient allocate nothing.
     */
    private static final ThreadLocal<double[]> WORK = ThreadLocal.withInitial(
            () -> new double[(F4X4_5X5.alpha * F4X4_5X5.r + 1) * CHUNK]);

    /**
     * The transformed kernels U[pos] = (G k G^T)[pos] of every channel pair of w[kh][kw][inC][outC],
     * computed in double and rounded once to float: the forward's U[pos][ic][oc], or with transpose
     * U[pos][oc][ic] (what {@link WinogradInputGradient} reads); with flip, of the kernel turned by
     * 180 degrees, k[kh][kw] = w[r-1-kh][r-1-kw] (transposed, the input gradient's as a convolution of
     * its own). Each position's nIPad x nOPad matrix is stored from uOff + pos*nIPad*nOPad in
     * column panels ({@link #panelIndex}), the layout the GEMM tiles read at a
     * constant stride. Rows and columns past the real channels (up to nIPad, nOPad) are zero. The
     * loops run over a tap's inC*outC contiguous values, in blocks. Once per weight update, both of
     * tf-mnist's conv2 kernels take 354 us on Zen 5 (`kiln kernels`), one per thread on 2 threads:
     * about 1% of a 64-image training step. Its loops run scalar in C2 (the double sums with float
     * loads are not vectorized); a DoubleVector version with the same bits, tried, was no faster.
     */
    void kernels(float[] w, int inC, int outC, boolean flip, boolean transpose, float[] u, int uOff, int nIPad, int nOPad) {
        java.util.Arrays.fill(u, uOff, uOff + positions * nIPad * nOPad, 0f);
        int pairs = inC * outC;
        int[] places = panelPlaces(inC, outC, transpose, nIPad, nOPad);
        double[] half = WORK.get();             // (G k)[a][kw] for a block of channel pairs, then one row of U
        int row = alpha * r * CHUNK;
        for (int j0 = 0; j0 < pairs; j0 += CHUNK) {
            int n = Math.min(CHUNK, pairs - j0);
            for (int a = 0; a < alpha; a++) {
                for (int kw = 0; kw < r; kw++) {
                    int h = (a * r + kw) * CHUNK;
                    java.util.Arrays.fill(half, h, h + n, 0);
                    for (int kh = 0; kh < r; kh++) {
                        double gk = g[a][kh];
                        if (gk == 0) continue;
                        int tap = flip ? (r - 1 - kh) * r + (r - 1 - kw) : kh * r + kw;
                        addScaled(half, h, gk, w, tap * pairs + j0, n);
                    }
                }
            }
            for (int a = 0; a < alpha; a++) {
                for (int b = 0; b < alpha; b++) {
                    java.util.Arrays.fill(half, row, row + n, 0);
                    for (int kw = 0; kw < r; kw++) {
                        double gk = g[b][kw];
                        if (gk == 0) continue;
                        addScaled(half, row, gk, half, (a * r + kw) * CHUNK, n);
                    }
                    int base = uOff + (a * alpha + b) * nIPad * nOPad;
                    for (int jj = 0; jj < n; jj++) {
                        u[base + places[j0 + jj]] = (float) half[row + jj];
                    }
                }
            }
        }
    }

    /** Each thread's {@link #panelPlaces}, grown to the largest channel-pair count asked for. */
    private static final ThreadLocal<int[][]> PLACES = ThreadLocal.withInitial(() -> new int[1][0]);

    /**
     * Where channel pair j = ic*outC + oc of w lands in one position's matrix of {@link #kernels}:
     * {@link #panelIndex} of (ic, oc), or of (oc, ic) with transpose. Worked out once per call for all
     * positions: computed for each of the alpha^2 positions' values in turn, the index took most of a
     * transform's time (lenet-like's conv3, 16 x 8192 values: 0.76 ms per update).
     */
    private static int[] panelPlaces(int inC, int outC, boolean transpose, int nIPad, int nOPad) {
        int[][] holder = PLACES.get();
        if (holder[0].length < inC * outC) {
            holder[0] = new int[inC * outC];
        }
        int[] places = holder[0];
        for (int ic = 0, j = 0; ic < inC; ic++) {
            for (int oc = 0; oc < outC; oc++, j++) {
                places[j] = transpose ? panelIndex(oc, ic, nIPad, nOPad) : panelIndex(ic, oc, nIPad, nOPad);
            }
        }
        return places;
    }

    /**
     * dw[kh][kw][ic][oc] += (G^T P G)[kh][kw] for every channel pair, P the alpha^2 summed products
     * p[(pos*nOCPad + oc)*nICPad + ic] of a Winograd weight gradient: the transpose of
     * {@link #kernels}, in double, rounded once to float as it is added. The channel pairs of a
     * position are contiguous (j = oc*nICPad + ic), so the transforms run over blocks of up to
     * {@link #CHUNK} of them: G along the rows of P into (P G)[a][kw] in {@link #WORK}'s rows, then
     * G^T down them into its last row, one tap at a time, each inner loop along the block. Per output
     * channel, the loops were only inC long (32 for tf-mnist's conv2) and took 230 us a call (AVX2).
     */
    void kernelGradients(float[] p, int nOCPad, int nICPad, int inC, int outC, float[] dw) {
        double[] work = WORK.get();
        int tapRow = alpha * r * CHUNK;         // after the (P G) rows: one tap's sums
        int pairs = outC * nICPad, positionStride = nOCPad * nICPad;
        for (int j0 = 0; j0 < pairs; j0 += CHUNK) {
            int n = Math.min(CHUNK, pairs - j0);
            for (int a = 0; a < alpha; a++) {
                for (int kw = 0; kw < r; kw++) {
                    int h = (a * r + kw) * CHUNK;
                    java.util.Arrays.fill(work, h, h + n, 0);
                    for (int b = 0; b < alpha; b++) {
                        double gk = g[b][kw];
                        if (gk == 0) continue;
                        addScaled(work, h, gk, p, (a * alpha + b) * positionStride + j0, n);
                    }
                }
            }
            for (int kh = 0; kh < r; kh++) {
                for (int kw = 0; kw < r; kw++) {
                    java.util.Arrays.fill(work, tapRow, tapRow + n, 0);
                    for (int a = 0; a < alpha; a++) {
                        double gk = g[a][kh];
                        if (gk == 0) continue;
                        addScaled(work, tapRow, gk, work, (a * r + kw) * CHUNK, n);
                    }
                    addTap(work, tapRow, j0, n, nICPad, inC, outC, dw, (kh * r + kw) * inC * outC);
                }
            }
        }
    }

    /**
     * to[toOff + i] += g * from[fromOff + i], i < n, in double: one step of a kernel transform, a row
     * of G applied to a block of channel pairs.
     */
    private static void addScaled(double[] to, int toOff, double g, float[] from, int fromOff, int n) {
        for (int i = 0; i < n; i++) {
            to[toOff + i] += g * from[fromOff + i];
        }
    }

    /** As {@link #addScaled(double[], int, double, float[], int, int)}, from partial sums in double. */
    private static void addScaled(double[] to, int toOff, double g, double[] from, int fromOff, int n) {
        for (int i = 0; i < n; i++) {
            to[toOff + i] += g * from[fromOff + i];
        }
    }

    /** dw[tap][ic][oc] += the block's sums of channel pairs j0 + i = oc*nICPad + ic, the real input channels only. */
    private static void addTap(double[] work, int from, int j0, int n, int nICPad, int inC, int outC, float[] dw,
                               int tapStart) {
        int oc = j0 / nICPad, ic = j0 - oc * nICPad;
        for (int i = 0; i < n; i++) {
            if (ic < inC) {
                dw[tapStart + ic * outC + oc] += (float) work[from + i];
            }
            if (++ic == nICPad) {
                ic = 0;
                oc++;
            }
        }
    }
}
