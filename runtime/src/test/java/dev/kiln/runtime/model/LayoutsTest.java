package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class LayoutsTest {

    private static void assertPermutation(int[] order) {
        BitSet seen = new BitSet(order.length);
        for (int i : order) {
            assertTrue(i >= 0 && i < order.length && !seen.get(i), "duplicate or out of range: " + i);
            seen.set(i);
        }
    }

    @Test
    void convMapsPytorchOutInKhKwToKhKwInOut() {
        int outC = 3, inC = 2, kh = 2, kw = 4;
        int[] order = Layouts.conv(outC, inC, kh, kw);
        assertPermutation(order);
        // PyTorch element [o=2][c=1][y=1][x=3] is internal element [y=1][x=3][c=1][o=2].
        int pytorch = ((2 * inC + 1) * kh + 1) * kw + 3;
        int internal = ((1 * kw + 3) * inC + 1) * outC + 2;
        assertEquals(internal, order[pytorch]);
    }

    @Test
    void denseAfterSpatialFollowsTheChwFlattenAndTheHwcActivation() {
        int out = 2, c = 3, h = 2, w = 2;
        int[] order = Layouts.dense(out, c, h, w);
        assertPermutation(order);
        // PyTorch weight [o=1][in = c*h*w index of (c=2, y=1, x=0)], internal [(y=1, x=0, c=2)][o=1].
        int pytorch = 1 * (c * h * w) + (2 * h + 1) * w + 0;
        int internal = ((1 * w + 0) * c + 2) * out + 1;
        assertEquals(internal, order[pytorch]);
    }

    @Test
    void denseAfterVectorIsATranspose() {
        int[] order = Layouts.dense(2, 3, 1, 1);
        assertArrayEquals(new int[] {0, 2, 4, 1, 3, 5}, order);
    }

    @Test
    void parameterRoundTripsThroughPytorchLayout() {
        Parameter p = new Parameter("w", new int[] {3, 2, 2, 4}, Layouts.conv(3, 2, 2, 4), true, 0f);
        float[] pytorch = new float[p.size()];
        for (int i = 0; i < pytorch.length; i++) {
            pytorch[i] = i;
        }
        p.fromPytorch(pytorch);
        assertArrayEquals(pytorch, p.toPytorch());
        System.arraycopy(p.value(), 0, p.grad(), 0, p.size());
        assertArrayEquals(pytorch, p.gradToPytorch());
    }

    @Test
    void chwToHwcInterleavesChannels() {
        // Two examples of 2 channels x 1 x 3.
        float[] chw = {1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60};
        float[] hwc = new float[13];
        Layouts.chwToHwc(chw, 0, hwc, 1, 2, 2, 1, 3);
        assertArrayEquals(new float[] {0, 1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60}, hwc);
    }

    @Test
    void hwcToChwUndoesChwToHwc() {
        // Two examples of 3 channels x 2 x 4, the input read from offset 1 and written at offset 2.
        float[] chw = new float[1 + 2 * 24];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = i;
        }
        float[] hwc = new float[48];
        Layouts.chwToHwc(chw, 1, hwc, 0, 2, 3, 2, 4);
        float[] back = new float[2 + 48];
        Layouts.hwcToChw(hwc, 0, back, 2, 2, 3, 2, 4);
        assertArrayEquals(java.util.Arrays.copyOfRange(chw, 1, 49), java.util.Arrays.copyOfRange(back, 2, 50));
        // channel 1 of pixel (row 1, column 2) of the second example sits at (1 * 4 + 2) * 3 + 1 in HWC
        assertEquals(1 + 24 + (1 * 2 + 1) * 4 + 2, hwc[24 + (1 * 4 + 2) * 3 + 1]);
    }
}
