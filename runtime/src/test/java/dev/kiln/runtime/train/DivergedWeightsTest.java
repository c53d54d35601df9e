package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.io.Checkpoint;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.io.FileCheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An update that leaves a weight NaN while the loss still looks fine: the loop stops before the
 * next save, and the checkpoint it names exists, holds finite weights and restores.
 */
class DivergedWeightsTest {
    private static final Examples DATA = ScriptedModel.examples(10); // batches of 4: 4 + 4 + 2

    @TempDir Path dir;

    @Test
    void aNonFiniteWeightStopsBeforeTheSaveAndNamesTheLastFiniteCheckpoint() throws IOException {
        Path file = dir.resolve("run.kiln");
        ScriptedModel model = new ScriptedModel(step -> 1.0).poisonWeightAtStep(5);
        TrainingConfig config = TrainingConfig.of(3, 4, 1).withCheckpoint(file, 1, false);

        DivergedException e = assertThrows(DivergedException.class,
                () -> new Trainer(model, null, config, new FileCheckpointStore(file), null).fit(DATA, null));

        assertEquals("after epoch 2, batch 2 (step 5) the weights are not finite: fc.weight has 1 of 3 values NaN or"
                + " infinite; stopped before saving. The last good checkpoint is " + file + " (step 4)."
                + " A lower learning rate usually avoids this.", e.getMessage());
        Checkpoint saved = Checkpoints.load(file);
        assertEquals(4, saved.step());
        assertArrayEquals(new float[] {4, 0, 0}, saved.values("fc.weight"));
        saved.restoreInto(new ScriptedModel(step -> 1.0), null); // finite, so accepted
    }

    @Test
    void aRunThatDivergesBeforeItsFirstSaveSaysNoCheckpointWasWritten() {
        Path file = dir.resolve("never.kiln");
        ScriptedModel model = new ScriptedModel(step -> 1.0).poisonWeightAtStep(1);
        TrainingConfig config = TrainingConfig.of(1, 4, 1).withCheckpoint(file, 1, false);

        DivergedException e = assertThrows(DivergedException.class,
                () -> new Trainer(model, null, config, new FileCheckpointStore(file), null).fit(DATA, null));

        assertTrue(e.getMessage().startsWith("after epoch 1, batch 1 (step 1) the weights are not finite: fc.weight has 1"
                + " of 3 values NaN or infinite; stopped before saving. No checkpoint was saved by this run, and " + file
                + " was not written."), e.getMessage());
        assertFalse(Files.exists(file));
    }

    @Test
    void weightsAreCheckedAtTheEndOfEachEpochEvenWithoutACheckpoint() {
        ScriptedModel model = new ScriptedModel(step -> 1.0).poisonWeightAtStep(2);

        DivergedException e = assertThrows(DivergedException.class,
                () -> new Trainer(model, null, TrainingConfig.of(2, 4, 1), null, null).fit(DATA, DATA));

        assertEquals("after epoch 1, batch 3 (step 3) the weights are not finite: fc.weight has 1 of 3 values NaN or"
                + " infinite; stopped before saving. A lower learning rate usually avoids this.", e.getMessage());
    }

    @Test
    void anUnwritableCheckpointFailsBeforeTheFirstStep() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        Path file = notAFolder.resolve("run.kiln");
        ScriptedModel model = new ScriptedModel(step -> 1.0);
        TrainingConfig config = TrainingConfig.of(1, 4, 1).withCheckpoint(file, 0, false);

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new Trainer(model, null, config, new FileCheckpointStore(file), null).fit(DATA, null));

        assertTrue(e.getMessage().startsWith("cannot save checkpoint " + file + ": its folder " + notAFolder
                + " cannot be created (FileAlreadyExistsException"), e.getMessage());
        assertEquals(0, model.step(), "no step was taken");
    }

    @Test
    void emptyTrainingOrTestSetsAreErrorsBeforeAnyStep() {
        ScriptedModel model = new ScriptedModel(step -> 1.0);
        Trainer trainer = new Trainer(model, null, TrainingConfig.of(1, 4, 1), null, null);

        IllegalArgumentException noTraining = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(ScriptedModel.examples(0), DATA));
        assertEquals("the training set is empty: there is nothing to train on", noTraining.getMessage());

        IllegalArgumentException noTest = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(DATA, ScriptedModel.examples(0)));
        assertEquals("the validation set is empty: there is nothing to evaluate on", noTest.getMessage());
        assertEquals(0, model.step());

        IllegalArgumentException evaluation = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.accuracy(model, ScriptedModel.examples(0), 10));
        assertEquals("the test set is empty: there is nothing to evaluate on", evaluation.getMessage());
    }
}
