package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.model.LayerInfo;
import dev.kiln.runtime.model.Model;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code activations} of a convolution that a 2x2 max pool reads, pooled here, give the pool's own
 * activations to the bit, on the kernels the JVM runs (the Vector API ones here): a prediction may
 * not leave a layer's output out of its workspace when {@code activations} asks for that layer.
 */
class PooledActivationsTest {

    @ParameterizedTest
    @EnumSource(value = SeedNetworks.class, names = {"VGG19", "ALEXNET"}, mode = EnumSource.Mode.EXCLUDE)
    void aConvolutionsActivationsPoolToThePoolsActivations(SeedNetworks network) {
        try (Model model = network.create(5)) {
            float[] image = new float[model.inputSize()];
            Random random = new Random(17);
            for (int i = 0; i < image.length; i++) {
                image[i] = random.nextFloat();
            }
            List<LayerInfo> layers = model.layers();
            int checked = 0;
            for (int i = 0; i + 1 < layers.size(); i++) {
                LayerInfo conv = layers.get(i), pool = layers.get(i + 1);
                if (conv.kind() != LayerInfo.Kind.CONV || pool.kind() != LayerInfo.Kind.MAX_POOL
                        || !pool.description().contains("max 2x2 stride 2")
                        || pool.height() != conv.height() / 2 || pool.width() != conv.width() / 2) {
                    continue;
                }
                float[] pooled = maxPool2x2(model.activations(image, conv.name()), conv);
                assertArrayEquals(model.activations(image, pool.name()), pooled,
                        network.cliName() + ": " + conv.name() + "'s activations, pooled, against "
                                + pool.name() + "'s");
                checked++;
            }
            assertTrue(checked > 0, network.cliName() + " has no convolution with a 2x2 max pool after it");
        }
    }

    /** 2x2 windows of stride 2 over CHW values, the first of equal cells winning, as the kernels' rule. */
    private static float[] maxPool2x2(float[] chw, LayerInfo conv) {
        int h = conv.height() / 2, w = conv.width() / 2;
        float[] out = new float[conv.channels() * h * w];
        for (int c = 0; c < conv.channels(); c++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    float best = Float.NEGATIVE_INFINITY;
                    for (int cell = 0; cell < 4; cell++) {
                        float v = chw[(c * conv.height() + 2 * i + cell / 2) * conv.width() + 2 * j + cell % 2];
                        if (cell == 0 || v > best || Float.isNaN(v)) {
                            best = v;
                        }
                    }
                    out[(c * h + i) * w + j] = best;
                }
            }
        }
        return out;
    }
}
