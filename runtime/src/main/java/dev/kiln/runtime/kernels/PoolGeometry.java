package dev.kiln.runtime.kernels;

/**
 * The constant shape of one pooling layer, per example, NHWC. A global pool is a window of the
 * whole input (kh = inH, kw = inW, out 1x1). Cells of the window outside the input are padding:
 * max pooling ignores them and average pooling does not count them (TensorFlow's convention).
 */
public record PoolGeometry(
        int channels, int inH, int inW,
        int kh, int kw,
        int stride, int padTop, int padLeft,
        int outH, int outW) {

    public int inSize() {
        return inH * inW * channels;
    }

    public int outSize() {
        return outH * outW * channels;
    }

    /** The first input row inside the window of output row oh. */
    int firstRow(int oh) {
        return Math.max(oh * stride - padTop, 0);
    }

    /** One past the last input row inside the window of output row oh (not above firstRow when all padding). */
    int endRow(int oh) {
        return Math.min(oh * stride - padTop + kh, inH);
    }

    /** The first input column inside the window of output column ow. */
    int firstCol(int ow) {
        return Math.max(ow * stride - padLeft, 0);
    }

    /** One past the last input column inside the window of output column ow. */
    int endCol(int ow) {
        return Math.min(ow * stride - padLeft + kw, inW);
    }
}
