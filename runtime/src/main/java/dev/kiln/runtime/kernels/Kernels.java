package dev.kiln.runtime.kernels;

import dev.kiln.dsl.Activation;

/**
 * The arithmetic of every layer. Generated models call these with constant geometries; two
 * implementations exist, {@code ScalarKernels} (the reference, and the fallback when the JVM
 * lacks {@code jdk.incubator.vector}) and {@code VectorKernels}; {@link KernelProvider} picks one.
 *
 * <p>Conventions: float arrays with offsets; activations NHWC per example; "forward" outputs are
 * post-activation; backward methods that take {@code dz} expect the gradient with respect to the
 * pre-activation value (see {@link #activationBackward}). Methods named {@code ...Weights}
 * accumulate ({@code +=}) into gradient buffers; all other outputs are overwritten. Kernels keep
 * no state and may be called from several threads on disjoint outputs.
 */
public interface Kernels {

    /** A short name for logs: "scalar" or "vector(512-bit)". */
    String name();

    // ---- convolution, one example ----

    /** y[oh][ow][oc] = act(b[oc] + sum over kh,kw,ic of x[ih][iw][ic] * w[kh][kw][ic][oc]). */
    void convForward(ConvGeometry g, Activation act,
                     float[] x, int xOff, float[] w, float[] b, float[] y, int yOff);

    /** dx[ih][iw][ic] = sum of dz[oh][ow][oc] * w[kh][kw][ic][oc] over the windows that read it (overwrites dx). */
    void convBackwardInput(ConvGeometry g, float[] dz, int dzOff, float[] w, float[] dx, int dxOff);

    /** dw[kh][kw][ic][oc] += x[..][ic] * dz[oh][ow][oc] over all windows; db[oc] += sum of dz[..][oc]. */
    void convBackwardWeights(ConvGeometry g, float[] x, int xOff, float[] dz, int dzOff, float[] dw, float[] db);

    // ---- dense, a block of rows (examples) ----

    /** y[r][o] = act(b[o] + sum over i of x[r][i] * w[i][o]) for r in [0, rows). */
    void denseForward(int rows, int in, int out, Activation act,
                      float[] x, int xOff, float[] w, float[] b, float[] y, int yOff);

    /** dx[r][i] = sum over o of dz[r][o] * w[i][o] (overwrites dx). */
    void denseBackwardInput(int rows, int in, int out, float[] dz, int dzOff, float[] w, float[] dx, int dxOff);

    /** dw[i][o] += sum over r of x[r][i] * dz[r][o]; db[o] += sum over r of dz[r][o]. */
    void denseBackwardWeights(int rows, int in, int out, float[] x, int xOff, float[] dz, int dzOff,
                              float[] dw, float[] db);

    // ---- pooling, one example ----

    /** y = max over each window; argmax[i] records the input index (relative to xOff) that won, for backward. */
    void maxPoolForward(PoolGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argOff);

    /** dx = 0, then dx[argmax[i]] += dy[i] (overwrites dx). */
    void maxPoolBackward(PoolGeometry g, float[] dy, int dyOff, int[] argmax, int argOff, float[] dx, int dxOff);

    /** y = mean of each window over the cells inside the input. */
    void avgPoolForward(PoolGeometry g, float[] x, int xOff, float[] y, int yOff);

    /** Spreads each dy evenly over the input cells of its window (overwrites dx). */
    void avgPoolBackward(PoolGeometry g, float[] dy, int dyOff, float[] dx, int dxOff);

    // ---- element-wise ----

    /**
     * Turns dL/dy into dL/dz in place, where y = act(z) is the stored forward output:
     * ReLU: dz = y > 0 ? dy : 0; sigmoid: dy * y * (1 - y); tanh: dy * (1 - y^2); none: unchanged.
     */
    void activationBackward(Activation act, float[] y, float[] dy, int off, int len);
}
