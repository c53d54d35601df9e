package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Section 8 of the seed list: the large classics compile, have the quoted size, and run a forward pass. */
class LargeClassicsTest {

    @Test
    void vgg19HasItsQuotedParameterCountAndClassifiesAnImage() {
        try (Model vgg = SeedNetworks.VGG19.create(1)) {
            assertEquals(143_667_240L, vgg.parameters().stream().mapToLong(Parameter::size).sum());
            assertProbabilities(vgg);
        }
    }

    @Test
    void alexNetRunsAForwardPass() {
        try (Model alexnet = SeedNetworks.ALEXNET.create(1)) {
            assertProbabilities(alexnet);
        }
    }

    private static void assertProbabilities(Model model) {
        SplittableRandom random = new SplittableRandom(1);
        float[] image = new float[model.inputSize()];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) random.nextDouble();
        }
        float[] p = model.predict(image);
        assertEquals(model.classes(), p.length);
        double sum = 0;
        for (float v : p) {
            assertTrue(v >= 0 && v <= 1 && Float.isFinite(v), "probability " + v);
            sum += v;
        }
        assertEquals(1.0, sum, 1e-4);
    }
}
