package dev.kiln.it.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.io.Checkpoint;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fine-tuning recipe on generated 8x8 images: train a network, then load its checkpoint into
 * the same layers with all but the last frozen, or with a new last layer for another class count,
 * and train on a new data set. The frozen layers keep every bit; the new task is learned.
 */
class FineTuningTest {
    @TempDir
    static Path dir;
    private static Path pretrained;

    /** 8x8 images with one bright 4x4 quarter (0 top left, 1 top right, 2 bottom left, 3 bottom right) and noise; {@code labelOf} maps the quarter to the label. */
    private static Dataset quarters(String name, int size, long seed, int classes, IntUnaryOperator labelOf) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] images = new float[size * 64];
        int[] labels = new int[size];
        for (int e = 0; e < size; e++) {
            int quarter = e % 4;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean bright = (y / 4) * 2 + (x / 4) == quarter;
                    images[e * 64 + y * 8 + x] = (bright ? 0.8f : 0.1f) + (float) (0.1 * random.nextGaussian());
                }
            }
            labels[e] = labelOf.applyAsInt(quarter);
        }
        return Dataset.ofFloats(name, images, labels, 1, 8, 8, classes);
    }

    private static List<EpochReport> train(Model model, Dataset data, Dataset validation, int epochs) {
        return Trainer.builder(model, Adam.withLearningRate(0.01f)).epochs(epochs).batchSize(16).seed(5).build()
                .fit(data, validation);
    }

    @BeforeAll
    static void trainTheQuarterNetwork() throws Exception {
        pretrained = dir.resolve("quadrants.kiln");
        try (QuadrantNetModel model = QuadrantNetModel.create(1, 1)) {
            List<EpochReport> history = train(model, quarters("quarters", 256, 1, 4, q -> q),
                    quarters("quarters validation", 64, 2, 4, q -> q), 6);
            assertTrue(history.get(history.size() - 1).validationAccuracy() > 0.9, history.toString());
            Checkpoints.save(pretrained, model, null, Map.of());
        }
    }

    @Test
    void freezingAllButTheLastLayerTrainsOnlyTheLastLayer() throws Exception {
        try (FrozenQuadrantNetModel model = FrozenQuadrantNetModel.create(9, 1)) {
            Checkpoint.Transfer transfer = Checkpoints.load(pretrained).restoreMatching(model);
            assertEquals(List.of("conv1.weight", "conv1.bias", "fc1.weight", "fc1.bias", "logits.weight", "logits.bias"),
                    transfer.loaded());
            float[][] before = values(model);

            // A new data set: the same task with the labels rotated, so the last layer must change.
            train(model, quarters("rotated", 256, 3, 4, q -> (q + 1) % 4), null, 4);

            float[][] after = values(model);
            for (int p = 0; p < 4; p++) {
                assertArrayEquals(before[p], after[p], model.parameters().get(p).name() + " is frozen");
            }
            assertFalse(Arrays.equals(before[4], after[4]), "logits.weight was trained");
        }
    }

    @Test
    void replacingTheLastLayerLearnsANewClassCountOnTopOfTheFrozenLayers() throws Exception {
        try (HalvesNetModel model = HalvesNetModel.create(9, 1)) {
            Checkpoint.Transfer transfer = Checkpoints.load(pretrained).restoreMatching(model);
            assertEquals(List.of("conv1.weight", "conv1.bias", "fc1.weight", "fc1.bias"), transfer.loaded());
            assertEquals(List.of("logits.weight: [2, 16] in the model, [4, 16] in the checkpoint",
                    "logits.bias: [2] in the model, [4] in the checkpoint"), transfer.skipped());
            Checkpoint checkpoint = Checkpoints.load(pretrained);
            assertArrayEquals(checkpoint.values("fc1.weight"), model.parameters().get(2).toPytorch());
            float[][] before = values(model);

            // Left half (quarters 0 and 2) or right half (1 and 3).
            List<EpochReport> history = train(model, quarters("halves", 128, 4, 2, q -> q % 2),
                    quarters("halves validation", 64, 5, 2, q -> q % 2), 4);

            assertTrue(history.get(history.size() - 1).validationAccuracy() >= 0.95, history.toString());
            float[][] after = values(model);
            for (int p = 0; p < 4; p++) {
                assertArrayEquals(before[p], after[p], model.parameters().get(p).name() + " is frozen");
            }
        }
    }

    private static float[][] values(Model model) {
        return model.parameters().stream().map(Parameter::toPytorch).toArray(float[][]::new);
    }
}
