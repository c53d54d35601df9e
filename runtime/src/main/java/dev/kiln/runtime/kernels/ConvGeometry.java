package dev.kiln.runtime.kernels;

/**
 * The constant shape of one convolution layer, per example. Activations are NHWC (channels
 * innermost, so output channels are the vector lanes); weights are [kh][kw][inC][outC].
 * Padding after the last row/column is implicit: reads outside the input count as zero.
 */
public record ConvGeometry(
        int inC, int inH, int inW,
        int outC, int kh, int kw,
        int stride, int padTop, int padLeft,
        int outH, int outW) {

    public int inSize() {
        return inH * inW * inC;
    }

    public int outSize() {
        return outH * outW * outC;
    }

    public int weightSize() {
        return kh * kw * inC * outC;
    }

    /** Forward FLOPs per example, 2 per multiply-add (bias and activation not counted). */
    public long flops() {
        return 2L * outH * outW * outC * kh * kw * inC;
    }
}
