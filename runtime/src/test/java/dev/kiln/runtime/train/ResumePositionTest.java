package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Resume metadata that does not fit the run is refused, naming the entry, its value and the range it must be in. */
class ResumePositionTest {
    private static final Examples DATA = ScriptedModel.examples(10); // batches of 4: 4 + 4 + 2

    /** What the loop saves after step 4: epoch 2, its second batch next, 4 examples seen. */
    private static Map<String, String> valid() {
        return new HashMap<>(new TrainingPosition(2, 1, 4.0, 2, 4).toMetadata());
    }

    private static String resumeFails(Map<String, String> metadata) {
        MemoryStore store = new MemoryStore();
        store.savedStep = 4;
        store.saved = metadata;
        ScriptedModel model = new ScriptedModel(step -> 1.0);
        TrainingConfig config = TrainingConfig.of(3, 4, 1).withCheckpoint(Path.of("unused"), 0, true);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Trainer(model, null, config, store, null).fit(DATA, null));
        assertEquals(4, model.step(), "no step after the refused resume");
        return e.getMessage();
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> metadata = valid();
        metadata.put(key, value);
        return metadata;
    }

    @Test
    void theValidPositionResumes() {
        MemoryStore store = new MemoryStore();
        store.savedStep = 4;
        store.saved = valid();
        ScriptedModel model = new ScriptedModel(step -> 1.0);
        TrainingConfig config = TrainingConfig.of(2, 4, 1).withCheckpoint(Path.of("unused"), 0, true);
        assertEquals(1, new Trainer(model, null, config, store, null).fit(DATA, null).size());
        assertEquals(6, model.step());
    }

    @Test
    void aNegativeNextBatchIsRefusedWithTheValidRange() {
        assertEquals("cannot resume from memory checkpoint: nextBatch is -1, outside 0..2: this run's epoch has 3 batches"
                + " (10 examples in batches of 4). Resume with the data and batch size of the run that saved it, or start"
                + " over without resuming", resumeFails(with("nextBatch", "-1")));
    }

    @Test
    void aNextBatchPastTheEpochIsRefusedRatherThanSkippingIt() {
        assertEquals("cannot resume from memory checkpoint: nextBatch is 3, outside 0..2: this run's epoch has 3 batches"
                + " (10 examples in batches of 4). Resume with the data and batch size of the run that saved it, or start"
                + " over without resuming", resumeFails(with("nextBatch", "3")));
    }

    @Test
    void anEpochBelowOneIsRefused() {
        assertEquals("cannot resume from memory checkpoint: epoch is 0; epochs count from 1", resumeFails(with("epoch", "0")));
    }

    @Test
    void examplesSeenThatDisagreeWithTheBatchSizeAreRefused() {
        assertEquals("cannot resume from memory checkpoint: epochSeen is 5, but 1 batch of 4 examples make 4: it was"
                + " saved with another batch size, or damaged", resumeFails(with("epochSeen", "5")));
    }

    @Test
    void moreCorrectThanSeenIsRefused() {
        assertEquals("cannot resume from memory checkpoint: epochCorrect is 5, outside 0..4 (the examples seen so far)",
                resumeFails(with("epochCorrect", "5")));
    }

    @Test
    void aNonFiniteLossSumIsRefused() {
        assertEquals("cannot resume from memory checkpoint: epochLossSum is NaN; a resumable epoch's loss sum is finite",
                resumeFails(with("epochLossSum", "NaN")));
    }

    @Test
    void aValueThatIsNoNumberIsRefused() {
        assertEquals("cannot resume from memory checkpoint: nextBatch is 'two', not a whole number from -2147483648 to"
                + " 2147483647", resumeFails(with("nextBatch", "two")));
    }

    @Test
    void aMissingEntryIsRefused() {
        Map<String, String> metadata = valid();
        metadata.remove("epoch");
        String message = resumeFails(metadata);
        assertEquals("cannot resume from memory checkpoint: it has no entry epoch (its metadata: " + metadata.keySet()
                + "); was it written by the training loop?", message);
    }

    @Test
    void metadataIsWrittenInOneFixedOrderWithoutWallTime() {
        assertEquals("[epoch, nextBatch, epochLossSum, epochCorrect, epochSeen]",
                new TrainingPosition(2, 1, 4.0, 2, 4).toMetadata().keySet().toString());
    }
}
