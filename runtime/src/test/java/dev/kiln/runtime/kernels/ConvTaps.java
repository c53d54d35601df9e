package dev.kiln.runtime.kernels;

/**
 * The walk every float64 reference convolution in these tests makes: each output pixel with each
 * kernel tap whose input pixel lies inside the input (taps on padding read zeros and are skipped).
 * Pixels and taps are numbered row by row: the offsets of NHWC activations and [kh][kw][ic][oc]
 * weights are then pixel * channels and tap * inC * outC.
 */
final class ConvTaps {

    /** What a reference does with one (output pixel, tap, input pixel). */
    interface Visitor {
        void visit(int outPixel, int tap, int inPixel);
    }

    private ConvTaps() {
    }

    static void forEach(ConvGeometry g, Visitor visitor) {
        for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++) {
                for (int kh = 0; kh < g.kh(); kh++) {
                    int ih = oh * g.stride() - g.padTop() + kh;
                    if (ih < 0 || ih >= g.inH()) continue;
                    for (int kw = 0; kw < g.kw(); kw++) {
                        int iw = ow * g.stride() - g.padLeft() + kw;
                        if (iw < 0 || iw >= g.inW()) continue;
                        visitor.visit(oh * g.outW() + ow, kh * g.kw() + kw, ih * g.inW() + iw);
                    }
                }
            }
        }
    }
}
