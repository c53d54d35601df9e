package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The training loop's bookkeeping, on a scripted model: data order, reports, checkpoints, resuming, divergence. */
class TrainerTest {
    private static final Examples DATA = ScriptedModel.examples(10); // batches of 4: 4 + 4 + 2

    @Test
    void eachEpochVisitsEveryExampleOnceInItsSeededOrderAndReportsMeans() {
        ScriptedModel model = new ScriptedModel(step -> step); // loss = step number
        List<EpochReport> reports = new Trainer(model, null, TrainingConfig.of(2, 4, 5), null, null).fit(DATA, DATA);

        assertEquals(2, reports.size());
        List<Integer> expected = new ArrayList<>();
        for (int epoch = 1; epoch <= 2; epoch++) {
            for (int index : DATA.order(5, epoch)) {
                expected.add(index);
            }
        }
        assertEquals(expected, model.seen);
        // Epoch 1: steps 1, 2, 3 with 4, 4, 2 examples: (4*1 + 4*2 + 2*3) / 10.
        assertEquals(1.8, reports.get(0).trainLoss(), 1e-12);
        assertEquals(3, reports.get(0).steps());
        assertEquals(0.5, reports.get(0).trainAccuracy(), 1e-12);
        // The scripted model always answers class 0: the five even labels are right.
        assertEquals(0.5, reports.get(1).validationAccuracy(), 1e-12);
    }

    @Test
    void aNanLossStopsTrainingNamingWhereAndKeepsTheLastCheckpoint() {
        ScriptedModel model = new ScriptedModel(step -> step == 5 ? Double.NaN : 1.0);
        MemoryStore store = new MemoryStore();
        TrainingConfig config = TrainingConfig.of(3, 4, 1).withCheckpoint(java.nio.file.Path.of("unused"), 0, false);

        DivergedException e = assertThrows(DivergedException.class,
                () -> new Trainer(model, null, config, store, null).fit(DATA, null));

        assertTrue(e.getMessage().startsWith("the training loss became NaN at epoch 2, batch 2 (step 5); stopped before"
                + " saving. The last good checkpoint is memory checkpoint (step 3)."), e.getMessage());
        assertEquals(3, store.savedStep, "the checkpoint of the end of epoch 1 is kept");
        assertEquals(1, store.saves);
    }

    @Test
    void resumingMidEpochContinuesWithTheSameDataAndTheSameEpochMeans() {
        ScriptedModel straight = new ScriptedModel(step -> step * 0.5);
        List<EpochReport> expected = new Trainer(straight, null, TrainingConfig.of(2, 4, 9), null, null).fit(DATA, null);

        MemoryStore store = new MemoryStore();
        TrainingConfig config = TrainingConfig.of(2, 4, 9).withCheckpoint(java.nio.file.Path.of("unused"), 2, true);
        ScriptedModel first = new ScriptedModel(step -> {
            if (step == 6) {
                throw new IllegalStateException("crash after the checkpoint of step 4");
            }
            return step * 0.5;
        });
        assertThrows(IllegalStateException.class, () -> new Trainer(first, null, config, store, null).fit(DATA, null));
        assertEquals(4, store.savedStep);

        ScriptedModel resumed = new ScriptedModel(step -> step * 0.5);
        List<EpochReport> rest = new Trainer(resumed, null, config, store, null).fit(DATA, null);

        assertEquals(1, rest.size());
        assertEquals(expected.get(1).trainLoss(), rest.get(0).trainLoss(), 0.0);
        assertEquals(expected.get(1).steps(), rest.get(0).steps());
        // Step 4 was the first batch of epoch 2; the resumed run starts at its second batch.
        assertEquals(straight.seen.subList(14, 20), resumed.seen);
    }
}
