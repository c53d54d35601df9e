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
}
