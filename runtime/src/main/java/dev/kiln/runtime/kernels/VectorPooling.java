package dev.kiln.runtime.kernels;

import static dev.kiln.runtime.kernels.VectorTiles.L;
import static dev.kiln.runtime.kernels.VectorTiles.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Max pooling forward on the Vector API: channels as lanes, the winner's index kept per lane. */
final class VectorPooling {

    private static final VectorSpecies<Integer> I = S.withLanes(int.class).check(int.class);
    /** 0, 1, 2, ...: lane c of a channel block at index i is element i + c. */
    private static final IntVector LANE_INDEX = IntVector.zero(I).addIndex(1);

    private VectorPooling() {
    }

    /** Same contract, tie and NaN rules as {@link ScalarKernels#maxPoolForward}: the first cell wins ties, the last NaN wins. */
    static void maxForward(PoolGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argOff) {
        int c = g.channels();
        for (int oh = 0; oh < g.outH(); oh++) {
            int top = oh * g.stride() - g.padTop();
            int h0 = Math.max(top, 0), h1 = Math.min(top + g.kh(), g.inH());
            for (int ow = 0; ow < g.outW(); ow++) {
                int left = ow * g.stride() - g.padLeft();
                int w0 = Math.max(left, 0), w1 = Math.min(left + g.kw(), g.inW());
                int out = (oh * g.outW() + ow) * c;
                if (h0 >= h1 || w0 >= w1) {                        // a window of padding only
                    java.util.Arrays.fill(y, yOff + out, yOff + out + c, 0f);
                    java.util.Arrays.fill(argmax, argOff + out, argOff + out + c, -1);
                    continue;
                }
                int ch = 0;
                for (; ch + L <= c; ch += L) {
                    windowMax(g, x, xOff, h0, h1, w0, w1, ch, y, yOff + out + ch, argmax, argOff + out + ch);
                }
                for (; ch < c; ch++) {       // channels past the last whole vector (36 = 2 x 16 + 4)
                    channelMax(g, x, xOff, h0, h1, w0, w1, ch, y, yOff + out + ch, argmax, argOff + out + ch);
                }
            }
        }
    }

    /** One whole vector of channels [ch, ch + L). */
    private static void windowMax(PoolGeometry g, float[] x, int xOff, int h0, int h1, int w0, int w1, int ch,
                                  float[] y, int yAt, int[] argmax, int argAt) {
        int c = g.channels();
        int first = (h0 * g.inW() + w0) * c + ch;
        FloatVector best = FloatVector.fromArray(S, x, xOff + first);
        IntVector arg = LANE_INDEX.add(first);
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                int idx = (ih * g.inW() + iw) * c + ch;
                FloatVector v = FloatVector.fromArray(S, x, xOff + idx);
                VectorMask<Float> wins = v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v));   // NE: NaN
                best = best.blend(v, wins);
                arg = arg.blend(LANE_INDEX.add(idx), wins.cast(I));
            }
        }
        best.intoArray(y, yAt);
        arg.intoArray(argmax, argAt);
    }

    /** One channel, with the rule of the lanes: strictly larger or NaN wins. */
    private static void channelMax(PoolGeometry g, float[] x, int xOff, int h0, int h1, int w0, int w1, int ch,
                                   float[] y, int yAt, int[] argmax, int argAt) {
        int c = g.channels();
        int best = (h0 * g.inW() + w0) * c + ch;
        float bestValue = x[xOff + best];
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                int idx = (ih * g.inW() + iw) * c + ch;
                float v = x[xOff + idx];
                if (v > bestValue || Float.isNaN(v)) {
                    best = idx;
                    bestValue = v;
                }
            }
        }
        y[yAt] = bestValue;
        argmax[argAt] = best;
    }
}
