package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.io.FileCheckpointStore;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.train.DivergedException;
import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.runtime.train.TrainingConfig;
import dev.kiln.runtime.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming from a checkpoint continues exactly as the uninterrupted run: tf-mnist (it has dropout,
 * so the random stream must resume too) on 640 real images, 2 epochs of 10 steps, interrupted
 * after step 13 (inside the second epoch) and resumed in a fresh model and optimizer.
 */
class ResumeTest {
    private static final int EPOCHS = 2;
    private static final int BATCH = 64;
    private static final long SEED = 11;

    @TempDir Path folder;

    @Test
    void resumedTrainingEqualsUninterruptedTrainingBitForBit() throws Exception {
        Dataset train = FashionMnistData.load().train().first(640);
        Dataset test = FashionMnistData.load().test().first(200);

        List<Parameter> uninterrupted;
        List<EpochReport> straight;
        try (Model model = SeedNetworks.TF_MNIST.create(SEED)) {
            model.setThreads(2);
            straight = new Trainer(model, adam(), TrainingConfig.of(EPOCHS, BATCH, SEED), null, null).fit(train, test);
            uninterrupted = model.parameters();
            Path checkpoint = folder.resolve("interrupted.kiln");
            TrainingConfig saving = TrainingConfig.of(EPOCHS, BATCH, SEED).withCheckpoint(checkpoint, 13, true);

            // First run: stopped by an "interruption" right after the checkpoint of step 13.
            try (Model first = SeedNetworks.TF_MNIST.create(SEED)) {
                first.setThreads(2);
                TrainingListener interrupt = new TrainingListener() {
                    @Override
                    public void batchDone(int epoch, int batch, double meanLoss, double accuracy) {
                        if (first.step() == 14) {
                            throw new IllegalStateException("simulated crash");
                        }
                    }
                };
                assertThrows(IllegalStateException.class, () ->
                        new Trainer(first, adam(), saving, new FileCheckpointStore(checkpoint), interrupt).fit(train, test));
            }
            assertTrue(Files.exists(checkpoint));

            // Second run: a new process would do exactly this.
            try (Model resumed = SeedNetworks.TF_MNIST.create(999)) {
                resumed.setThreads(2);
                List<EpochReport> rest = new Trainer(resumed, adam(), saving, new FileCheckpointStore(checkpoint), null)
                        .fit(train, test);
                assertEquals(1, rest.size(), "only the second epoch remained");
                assertEquals(straight.get(1).trainLoss(), rest.get(0).trainLoss(), 0.0, "epoch 2's mean loss");
                assertEquals(straight.get(1).validationAccuracy(), rest.get(0).validationAccuracy(), 0.0);
                assertEquals(model.step(), resumed.step());
                for (int i = 0; i < uninterrupted.size(); i++) {
                    assertArrayEquals(uninterrupted.get(i).value(), resumed.parameters().get(i).value(),
                            uninterrupted.get(i).name() + " differs after resuming");
                }
            }
        }
    }

    @Test
    void aDivergingRunStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint() throws Exception {
        Dataset train = FashionMnistData.load().train().first(256);
        Path checkpoint = folder.resolve("diverge.kiln");
        try (Model model = SeedNetworks.KERAS_MNIST.create(SEED)) {
            // One clean epoch writes a checkpoint.
            new Trainer(model, adam(), TrainingConfig.of(1, BATCH, SEED).withCheckpoint(checkpoint, 0, false),
                    new FileCheckpointStore(checkpoint), null).fit(train, null);
            byte[] good = Files.readAllBytes(checkpoint);

            // Then an absurd learning rate sends the loss to infinity or NaN.
            Optimizer wild = Adam.withLearningRate(1e30f);
            DivergedException e = assertThrows(DivergedException.class, () -> new Trainer(model, wild,
                    TrainingConfig.of(3, BATCH, SEED).withCheckpoint(checkpoint, 0, false),
                    new FileCheckpointStore(checkpoint), null).fit(train, null));
            assertTrue(e.getMessage().contains("training loss became"), e.getMessage());
            assertTrue(e.getMessage().contains(checkpoint.toString()), e.getMessage());
            assertArrayEquals(good, Files.readAllBytes(checkpoint), "the last good checkpoint was overwritten");
        }
    }

    private static Optimizer adam() {
        return Adam.withLearningRate(1e-3f);
    }
}
