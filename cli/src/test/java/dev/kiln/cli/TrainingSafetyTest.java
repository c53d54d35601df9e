package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Limits;
import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.io.Checkpoint;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.io.FileCheckpointStore;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.runtime.train.TrainingConfig;
import dev.kiln.runtime.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generated model (pytorch-mnist, the smallest) on a few random images: divergence, and identical runs. */
class TrainingSafetyTest {
    @TempDir Path dir;

    @Test
    void aDivergingRunNamesOnlyACheckpointThatExistsAndIsFinite() throws IOException {
        Path data = SyntheticMnist.write(dir.resolve("data"), 64, 8);
        Path file = dir.resolve("diverged.kiln");

        CommandRun run = CommandRun.of("train", "pytorch-mnist", "--lr", "1e38", "--checkpoint-every", "1", "--epochs", "1",
                "--batch-size", "8", "--threads", "1", "--checkpoint", file.toString(), "--data", data.toString());

        assertEquals(1, run.exitCode(), run.err());
        String message = run.errorLine();
        assertTrue(message.contains("; stopped before saving. "), message);
        Matcher named = Pattern.compile("The last good checkpoint is (.+) \\(step (\\d+)\\)\\.").matcher(message);
        if (named.find()) {
            assertEquals(file.toString(), named.group(1));
            Checkpoint saved = Checkpoints.load(file);
            assertEquals(Long.parseLong(named.group(2)), saved.step());
            try (Model model = SeedNetworks.PYTORCH_MNIST.create(1)) {
                saved.restoreInto(model, Adam.withLearningRate(1e38f)); // refuses anything not finite
            }
        } else {
            assertTrue(message.contains("No checkpoint was saved by this run, and " + file + " was not written."), message);
            assertTrue(Files.notExists(file));
        }
    }

    /** The checkpoint a run leaves when it stops right after the save of step 3, inside its first epoch. */
    private byte[] checkpointOfAnInterruptedRun(Dataset train, Path file) throws IOException {
        try (Model model = SeedNetworks.PYTORCH_MNIST.create(5)) {
            model.setThreads(1);
            TrainingConfig config = TrainingConfig.of(1, 8, 5).withCheckpoint(file, 3, false);
            TrainingListener stop = new TrainingListener() {
                @Override
                public void batchDone(int epoch, int batch, double meanLoss, double accuracy) {
                    if (model.step() == 4) {
                        throw new IllegalStateException("stopped after the checkpoint of step 3");
                    }
                }
            };
            assertThrows(IllegalStateException.class,
                    () -> new Trainer(model, Adam.withLearningRate(1e-3f), config, new FileCheckpointStore(file), stop)
                            .fit(train, null));
        }
        assertEquals("1", Checkpoints.load(file).metadata().get("epoch"));
        assertEquals("3", Checkpoints.load(file).metadata().get("nextBatch"));
        return Files.readAllBytes(file);
    }

    @Test
    void identicalRunsWriteIdenticalCheckpoints() throws IOException {
        Path data = SyntheticMnist.write(dir.resolve("data"), 48, 8);
        Dataset train = MnistFormat.load(data, MnistFormat.FASHION_MNIST, new Limits(48, 8)).train();

        byte[] first = checkpointOfAnInterruptedRun(train, dir.resolve("first.kiln"));
        byte[] second = checkpointOfAnInterruptedRun(train, dir.resolve("second.kiln"));

        assertEquals(-1, java.util.Arrays.mismatch(first, second), "the two mid-epoch checkpoints differ");
    }
}
