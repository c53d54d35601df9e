package dev.kiln.runtime.kernels;

import dev.kiln.dsl.Activation;
import java.util.Arrays;

/**
 * The reference implementation of {@link Kernels}: plain loops written to be obviously right,
 * with no blocking and no SIMD. Tests check every other implementation against this one, and
 * it is the fallback when the JVM runs without {@code jdk.incubator.vector}.
 *
 * <p>Sums run in float, in a fixed order (kernel row, kernel column, input channel), starting
 * from the bias, so results are reproducible. Loop orders keep the innermost loop on contiguous
 * memory where that costs no clarity, because generated models also run on this path.
 */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int vectorBits() {
        return 0;
    }

    /**
     * The activation of one value; shared with the SIMD path so both agree bit for bit. ReLU
     * keeps NaN (Math.max, as PyTorch); StrictMath gives the same bits interpreted or compiled,
     * where Math may switch to an intrinsic of different rounding once compiled.
     */
    static float activate(Activation act, float z) {
        return switch (act) {
            case NONE -> z;
            case RELU -> Math.max(z, 0f);
            case SIGMOID -> (float) (1.0 / (1.0 + StrictMath.exp(-z)));
            case TANH -> (float) StrictMath.tanh(z);
        };
    }

    /**
     * dL/dz from dL/dy and the stored output y = act(z). ReLU follows PyTorch's threshold
     * backward: zero where y <= 0, dy elsewhere, so a NaN output passes its gradient on.
     */
    static float activationGradient(Activation act, float y, float dy) {
        return switch (act) {
            case NONE -> dy;
            case RELU -> y <= 0f ? 0f : dy;
            case SIGMOID -> dy * y * (1f - y);
            case TANH -> dy * (1f - y * y);
        };
    }

    // ---- convolution ----

    @Override
    public void convForward(ConvGeometry g, Activation act,
                            float[] x, int xOff, float[] w, float[] b, float[] y, int yOff) {
        int outC = g.outC(), inC = g.inC();
        for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++) {
                int yPix = yOff + (oh * g.outW() + ow) * outC;
                System.arraycopy(b, 0, y, yPix, outC);
                for (int kh = 0; kh < g.kh(); kh++) {
                    for (int kw = 0; kw < g.kw(); kw++) {
                        int pix = tapPixel(oh * g.stride() - g.padTop() + kh, ow * g.stride() - g.padLeft() + kw, g.inH(), g.inW());
                        if (pix < 0) continue;                          // a tap in the padding
                        int xPix = xOff + pix * inC;
                        int wTap = (kh * g.kw() + kw) * inC * outC;
                        for (int ic = 0; ic < inC; ic++) {
                            float xv = x[xPix + ic];
                            int wRow = wTap + ic * outC;
                            for (int oc = 0; oc < outC; oc++) {
                                y[yPix + oc] += xv * w[wRow + oc];
                            }
                        }
                    }
                }
                for (int oc = 0; oc < outC; oc++) {
                    y[yPix + oc] = activate(act, y[yPix + oc]);
                }
            }
        }
    }

    @Override
    public void convBackwardInput(ConvGeometry g, float[] dz, int dzOff, float[] w, float[] dx, int dxOff) {
        int outC = g.outC(), inC = g.inC();
        java.util.Arrays.fill(dx, dxOff, dxOff + g.inSize(), 0f);
        for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++) {
                int dzPix = dzOff + (oh * g.outW() + ow) * outC;
                for (int kh = 0; kh < g.kh(); kh++) {
                    for (int kw = 0; kw < g.kw(); kw++) {
                        int pix = tapPixel(oh * g.stride() - g.padTop() + kh, ow * g.stride() - g.padLeft() + kw, g.inH(), g.inW());
                        if (pix < 0) continue;                          // a tap in the padding
                        int dxPix = dxOff + pix * inC;
                        int wTap = (kh * g.kw() + kw) * inC * outC;
                        for (int ic = 0; ic < inC; ic++) {
                            int wRow = wTap + ic * outC;
                            float s = 0f;
                            for (int oc = 0; oc < outC; oc++) {
                                s += dz[dzPix + oc] * w[wRow + oc];
                            }
                            dx[dxPix + ic] += s;
                        }
                    }
                }
            }
        }
    }

    @Override
    public void convBackwardWeights(ConvGeometry g, int rows, float[] x, int xOff, float[] dz, int dzOff,
                                    float[] dw, float[] db) {
        for (int e = 0; e < rows; e++) {
            // Each example's sums start from zero and are added to dw and db once, as the SIMD tiles do.
            float[] exampleDw = Scratch.zeros(g.weightSize()), exampleDb = Scratch.zeroed(Scratch.BIAS, g.outC());
            accumulateConvWeights(g, x, xOff + e * g.inSize(), dz, dzOff + e * g.outSize(), exampleDw, exampleDb);
            addInto(exampleDw, g.weightSize(), dw, 0);
            addInto(exampleDb, g.outC(), db, 0);
        }
    }

    private static void accumulateConvWeights(ConvGeometry g, float[] x, int xOff, float[] dz, int dzOff,
                                              float[] dw, float[] db) {
        int outC = g.outC(), inC = g.inC();
        for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++) {
                int dzPix = dzOff + (oh * g.outW() + ow) * outC;
                for (int oc = 0; oc < outC; oc++) {
                    db[oc] += dz[dzPix + oc];
                }
                for (int kh = 0; kh < g.kh(); kh++) {
                    for (int kw = 0; kw < g.kw(); kw++) {
                        int pix = tapPixel(oh * g.stride() - g.padTop() + kh, ow * g.stride() - g.padLeft() + kw, g.inH(), g.inW());
                        if (pix < 0) continue;                          // a tap in the padding
                        int xPix = xOff + pix * inC;
                        int wTap = (kh * g.kw() + kw) * inC * outC;
                        for (int ic = 0; ic < inC; ic++) {
                            float xv = x[xPix + ic];
                            int wRow = wTap + ic * outC;
                            for (int oc = 0; oc < outC; oc++) {
                                dw[wRow + oc] += xv * dz[dzPix + oc];
                            }
                        }
                    }
                }
            }
        }
    }

    // ---- dense ----

    @Override
    public void denseForward(int rows, int in, int out, Activation act,
                             float[] x, int xOff, float[] w, float[] b, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            int yRow = yOff + r * out;
            System.arraycopy(b, 0, y, yRow, out);
            for (int i = 0; i < in; i++) {
                float xv = x[xOff + r * in + i];
                int wRow = i * out;
                for (int o = 0; o < out; o++) {
                    y[yRow + o] += xv * w[wRow + o];
                }
            }
            for (int o = 0; o < out; o++) {
                y[yRow + o] = activate(act, y[yRow + o]);
            }
        }
    }

    @Override
    public void denseBackwardInput(int rows, int in, int out, float[] dz, int dzOff, float[] w,
                                   float[] dx, int dxOff) {
        for (int r = 0; r < rows; r++) {
            int dzRow = dzOff + r * out;
            for (int i = 0; i < in; i++) {
                int wRow = i * out;
                float s = 0f;
                for (int o = 0; o < out; o++) {
                    s += dz[dzRow + o] * w[wRow + o];
                }
                dx[dxOff + r * in + i] = s;
            }
        }
    }

    @Override
    public void denseBackwardWeightRows(int rows, int in, int out, float[] x, int xOff, float[] dz, int dzOff,
                                        float[] dw, int from, int to, boolean accumulate) {
        if (!accumulate) {
            weightRowsInto(rows, in, out, x, xOff, dz, dzOff, dw, from * out, from, to);
            return;
        }
        int n = (to - from) * out;
        float[] callDw = Scratch.floats(Scratch.OUT, n);
        weightRowsInto(rows, in, out, x, xOff, dz, dzOff, callDw, 0, from, to);
        addInto(callDw, n, dw, from * out);
    }

    /** dst[dstOff + (i - from) * out + o] = the sum over r, in order, of x[r][i] * dz[r][o], for the weight rows [from, to). */
    private static void weightRowsInto(int rows, int in, int out, float[] x, int xOff, float[] dz, int dzOff,
                                       float[] dst, int dstOff, int from, int to) {
        Arrays.fill(dst, dstOff, dstOff + (to - from) * out, 0f);
        for (int r = 0; r < rows; r++) {
            int dzRow = dzOff + r * out;
            for (int i = from; i < to; i++) {
                float xv = x[xOff + r * in + i];
                int wRow = dstOff + (i - from) * out;
                for (int o = 0; o < out; o++) {
                    dst[wRow + o] += xv * dz[dzRow + o];
                }
            }
        }
    }

    @Override
    public int denseWeightBlockInputSize(int rows, int out) {
        return rows * out;
    }

    @Override
    public void prepareDenseWeightBlocks(int rows, int out, float[] dz, int dzOff, float[] prepared) {
        System.arraycopy(dz, dzOff, prepared, 0, rows * out);
    }

    @Override
    public void denseBackwardWeightBlock(int rows, int in, int out, float[] x, int xOff, float[] prepared, float[] dst,
                                         int dstOff, int from, int to) {
        weightRowsInto(rows, in, out, x, xOff, prepared, 0, dst, dstOff, from, to);
    }

    @Override
    public int denseWeightBlockRows(int out) {
        return 16;
    }

    @Override
    public void denseBackwardBias(int rows, int out, float[] dz, int dzOff, float[] db) {
        float[] callDb = Scratch.zeroed(Scratch.BIAS, out);
        for (int r = 0; r < rows; r++) {
            for (int o = 0, dzRow = dzOff + r * out; o < out; o++) {
                callDb[o] += dz[dzRow + o];
            }
        }
        addInto(callDb, out, db, 0);
    }

    /**
     * into[at + i] += sum[i] for i < n: a block's sum added once to what it accumulates into. The
     * one such loop of the kernels, the SIMD ones included; scalar, so it links no Vector API class.
     */
    static void addInto(float[] sum, int n, float[] into, int at) {
        addInto(sum, 0, n, into, at);
    }

    /** into[at + i] += sum[from + i] for i < n: {@link #addInto(float[], int, float[], int)} from a block inside sum. */
    static void addInto(float[] sum, int from, int n, float[] into, int at) {
        for (int i = 0; i < n; i++) {
            into[at + i] += sum[from + i];
        }
    }

    // ---- pooling ----

    @Override
    public void maxPoolForward(PoolGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argOff) {
        int c = g.channels();
        for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++) {
                int outPix = (oh * g.outW() + ow) * c;
                for (int ch = 0; ch < c; ch++) {
                    // The first cell inside the input starts the search; a later cell wins if
                    // strictly larger (ties go to the first cell in row-major order) or NaN (as
                    // PyTorch: a NaN anywhere in the window is the result, the last NaN the argmax).
                    int best = -1;
                    float bestValue = 0f;
                    for (int kh = 0; kh < g.kh(); kh++) {
                        for (int kw = 0; kw < g.kw(); kw++) {
                            int pix = tapPixel(oh * g.stride() - g.padTop() + kh, ow * g.stride() - g.padLeft() + kw, g.inH(), g.inW());
                            if (pix < 0) continue;                          // a tap in the padding
                            int idx = pix * c + ch;
                            float v = x[xOff + idx];
                            if (best < 0 || v > bestValue || Float.isNaN(v)) {
                                best = idx;
                                bestValue = v;
                            }
                        }
                    }
                    y[yOff + outPix + ch] = bestValue;
                    if (argmax != null) {
                        argmax[argOff + outPix + ch] = best;
                    }
                }
            }
        }
    }

    @Override
    public void maxPoolBackward(PoolGeometry g, float[] dy, int dyOff, int[] argmax, int argOff, float[] dx, int dxOff) {
        java.util.Arrays.fill(dx, dxOff, dxOff + g.inSize(), 0f);
        int n = g.outSize();
        for (int i = 0; i < n; i++) {
            int src = argmax[argOff + i];
            if (src >= 0) {                                     // -1: a window with no input cell
                dx[dxOff + src] += dy[dyOff + i];
            }
        }
    }

    @Override
    public void avgPoolForward(PoolGeometry g, float[] x, int xOff, float[] y, int yOff) {
        int c = g.channels();
        for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++) {
                int outPix = yOff + (oh * g.outW() + ow) * c;
                java.util.Arrays.fill(y, outPix, outPix + c, 0f);
                int count = 0;
                for (int kh = 0; kh < g.kh(); kh++) {
                    for (int kw = 0; kw < g.kw(); kw++) {
                        int pix = tapPixel(oh * g.stride() - g.padTop() + kh, ow * g.stride() - g.padLeft() + kw, g.inH(), g.inW());
                        if (pix < 0) continue;                          // a tap in the padding
                        int inPix = xOff + pix * c;
                        for (int ch = 0; ch < c; ch++) {
                            y[outPix + ch] += x[inPix + ch];
                        }
                        count++;
                    }
                }
                float scale = count == 0 ? 0f : 1f / count;
                for (int ch = 0; ch < c; ch++) {
                    y[outPix + ch] *= scale;
                }
            }
        }
    }

    @Override
    public void avgPoolBackward(PoolGeometry g, float[] dy, int dyOff, float[] dx, int dxOff) {
        int c = g.channels();
        java.util.Arrays.fill(dx, dxOff, dxOff + g.inSize(), 0f);
        for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++) {
                int outPix = dyOff + (oh * g.outW() + ow) * c;
                int count = insideCells(g, oh, ow);
                if (count == 0) continue;
                float scale = 1f / count;
                for (int kh = 0; kh < g.kh(); kh++) {
                    for (int kw = 0; kw < g.kw(); kw++) {
                        int pix = tapPixel(oh * g.stride() - g.padTop() + kh, ow * g.stride() - g.padLeft() + kw, g.inH(), g.inW());
                        if (pix < 0) continue;                          // a tap in the padding
                        int inPix = dxOff + pix * c;
                        for (int ch = 0; ch < c; ch++) {
                            dx[inPix + ch] += dy[outPix + ch] * scale;
                        }
                    }
                }
            }
        }
    }

    /** Pixel number ih * inW + iw of an input cell, or -1 when (ih, iw) lies in the padding. */
    static int tapPixel(int ih, int iw, int inH, int inW) {
        return ih < 0 || ih >= inH || iw < 0 || iw >= inW ? -1 : ih * inW + iw;
    }

    /** How many cells of the window at (oh, ow) lie inside the input: the average's divisor. */
    static int insideCells(PoolGeometry g, int oh, int ow) {
        int rows = overlap(oh * g.stride() - g.padTop(), g.kh(), g.inH());
        int cols = overlap(ow * g.stride() - g.padLeft(), g.kw(), g.inW());
        return rows * cols;
    }

    /** Length of [start, start + k) ∩ [0, n). */
    static int overlap(int start, int k, int n) {
        return Math.max(0, Math.min(start + k, n) - Math.max(start, 0));
    }

    // ---- element-wise ----

    @Override
    public void activationBackward(Activation act, float[] y, float[] dy, int off, int len) {
        for (int i = off; i < off + len; i++) {
            dy[i] = activationGradient(act, y[i], dy[i]);
        }
    }
}
