package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.io.CheckpointException;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Adam;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints of generated models: identical predictions after loading; another architecture is refused. */
class CheckpointRoundTripTest {
    @TempDir Path folder;

    @Test
    void aLoadedModelPredictsExactlyAsTheSavedOne() throws Exception {
        Path file = folder.resolve("tf16.kiln");
        float[] images = randomImages(8 * 28 * 28);
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7};
        float[] before = new float[8 * 10];
        try (Model model = SeedNetworks.TF_16_36.create(5)) {
            Adam adam = Adam.withLearningRate(1e-3f);
            for (int i = 0; i < 3; i++) {
                model.trainStep(images, labels, 8, adam);
            }
            model.predictBatch(images, 8, before);
            Checkpoints.save(file, model, adam, Map.of());
        }
        float[] after = new float[8 * 10];
        try (Model loaded = SeedNetworks.TF_16_36.create(77)) {
            Checkpoints.load(file).restoreInto(loaded, null);
            loaded.predictBatch(images, 8, after);
        }
        assertArrayEquals(before, after);
    }

    @Test
    void aCheckpointOfAnotherNetworkIsRefusedNamingTheDifference() throws Exception {
        Path file = folder.resolve("keras.kiln");
        try (Model keras = SeedNetworks.KERAS_MNIST.create(1)) {
            Checkpoints.save(file, keras, null, Map.of());
        }
        try (Model pytorch = SeedNetworks.PYTORCH_MNIST.create(1)) {
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> Checkpoints.load(file).restoreInto(pytorch, null));
            assertTrue(e.getMessage().contains("conv2.weight"), e.getMessage());
        }
    }

    private static float[] randomImages(int size) {
        SplittableRandom random = new SplittableRandom(3);
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextDouble();
        }
        return values;
    }
}
