package dev.kiln.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.optim.Sgd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
    @TempDir
    Path dir;

    private static final Map<String, String> META = Map.of("epoch", "2", "nextBatch", "17");

    private Path savedAfterThreeSteps(FakeModel model, Optimizer optimizer) throws IOException {
        for (int i = 0; i < 3; i++) {
            model.fakeStep(optimizer);
        }
        Path file = dir.resolve("model.kiln");
        Checkpoints.save(file, model, optimizer, META);
        return file;
    }

    @Test
    void aCheckpointOfFormatOneStillLoadsAndRestores() throws Exception {
        // Written by the format-1 writer, before the preprocessing section: FakeModel(4, 7) after one
        // Adam step, metadata epoch=2, nextBatch=0.
        Path file = Path.of(getClass().getResource("format-1.kiln").toURI());
        FakeModel original = new FakeModel(4, 7);
        Adam originalAdam = Adam.withLearningRate(0.01f);
        original.fakeStep(originalAdam);

        Checkpoint checkpoint = Checkpoints.load(file);
        assertEquals(1, checkpoint.formatVersion());
        assertTrue(checkpoint.preprocessing().isEmpty());
        assertEquals(Map.of("epoch", "2", "nextBatch", "0"), checkpoint.metadata());
        FakeModel restored = new FakeModel(4, 99);
        Adam restoredAdam = Adam.withLearningRate(0.01f);
        checkpoint.restoreInto(restored, restoredAdam);
        assertEquals(1, restored.step());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(original.parameters().get(i).value(), restored.parameters().get(i).value());
        }
        assertEquals(originalAdam.state().keySet(), restoredAdam.state().keySet());
        for (String key : originalAdam.state().keySet()) {
            assertArrayEquals(originalAdam.state().get(key), restoredAdam.state().get(key), key);
        }
    }

    @Test
    void restoreMatchingLoadsWhatFitsByNameAndShapeAndNamesTheRest() throws IOException {
        FakeModel saved = new FakeModel(4, 11);
        Path file = dir.resolve("four.kiln");
        Checkpoints.save(file, saved, null, Map.of());
        FakeModel wider = new FakeModel(5, 3);
        float[] widerWeight = wider.parameters().get(0).value().clone();

        Checkpoint.Transfer transfer = Checkpoints.load(file).restoreMatching(wider);

        assertEquals(List.of("fc.bias"), transfer.loaded());
        assertEquals(List.of("fc.weight: [3, 5] in the model, [3, 4] in the checkpoint"), transfer.skipped());
        assertArrayEquals(saved.parameters().get(1).value(), wider.parameters().get(1).value());
        assertArrayEquals(widerWeight, wider.parameters().get(0).value(), "the weight that did not fit is untouched");
        assertEquals(0, wider.step(), "a new run: no step taken over");
    }

    @Test
    void roundTripRestoresValuesStateStepAndSeed() throws IOException {
        FakeModel model = new FakeModel(4, 11);
        Adam adam = Adam.withLearningRate(0.01f);
        Path file = savedAfterThreeSteps(model, adam);

        Checkpoint checkpoint = Checkpoints.load(file);
        assertEquals("Fake", checkpoint.modelName());
        assertEquals(List.of("fc.weight", "fc.bias"), checkpoint.parameterNames());
        assertArrayEquals(new int[] {3, 4}, checkpoint.shape("fc.weight"));
        assertArrayEquals(model.parameters().get(0).toPytorch(), checkpoint.values("fc.weight"));
        assertEquals(META, checkpoint.metadata());
        assertEquals(adam.describe(), checkpoint.optimizerDescription());

        FakeModel restored = new FakeModel(4, 99);
        Adam restoredAdam = Adam.withLearningRate(0.01f);
        checkpoint.restoreInto(restored, restoredAdam);
        assertEquals(3, restored.step());
        assertEquals(11, restored.seed());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(model.parameters().get(i).value(), restored.parameters().get(i).value());
        }
        Map<String, float[]> expected = adam.state();
        Map<String, float[]> actual = restoredAdam.state();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((key, values) -> assertArrayEquals(values, actual.get(key), key));

        // Continuing from the checkpoint equals continuing the original.
        model.fakeStep(adam);
        restored.fakeStep(restoredAdam);
        assertArrayEquals(model.parameters().get(0).value(), restored.parameters().get(0).value());
    }

    @Test
    void loadsForInferenceWithoutAnOptimizer() throws IOException {
        FakeModel model = new FakeModel(2, 5);
        Checkpoints.save(dir.resolve("inference.kiln"), model, null, Map.of());
        Checkpoint checkpoint = Checkpoints.load(dir.resolve("inference.kiln"));
        assertNull(checkpoint.optimizerDescription());
        FakeModel restored = new FakeModel(2, 6);
        checkpoint.restoreInto(restored, null);
        assertArrayEquals(model.parameters().get(1).value(), restored.parameters().get(1).value());
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> checkpoint.restoreInto(restored, Adam.withLearningRate(0.1f)));
        assertTrue(e.getMessage().contains("holds no optimizer state"), e.getMessage());
    }

    @Test
    void everyFlippedByteIsDetected() throws IOException {
        Path file = savedAfterThreeSteps(new FakeModel(3, 1), Sgd.withLearningRate(0.1f).withMomentum(0.9f));
        byte[] good = Files.readAllBytes(file);
        Path damaged = dir.resolve("damaged.kiln");
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            Files.write(damaged, bad);
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(damaged), "byte " + i);
            String expected = i < Checkpoints.MAGIC.length
                    ? "checkpoint " + damaged + " is not a Kiln checkpoint"
                    : "checkpoint " + damaged + " is corrupted: checksum mismatch";
            assertTrue(e.getMessage().startsWith(expected), "byte " + i + ": " + e.getMessage());
        }
    }

    @Test
    void everyTruncationIsDetected() throws IOException {
        Path file = savedAfterThreeSteps(new FakeModel(3, 1), Adam.withLearningRate(0.1f));
        byte[] good = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.kiln");
        for (int length = 0; length < good.length; length++) {
            Files.write(cut, Arrays.copyOf(good, length));
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(cut), "length " + length);
            assertTrue(e.getMessage().startsWith("checkpoint " + cut + " is "), e.getMessage());
        }
    }

    @Test
    void anotherArchitectureIsRefusedNamingTheDifference() throws IOException {
        Path file = savedAfterThreeSteps(new FakeModel(4, 1), Adam.withLearningRate(0.1f));
        FakeModel other = new FakeModel(5, 1);
        float[] before = other.parameters().get(0).value().clone();
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.load(file).restoreInto(other, Adam.withLearningRate(0.1f)));
        assertEquals("checkpoint " + file + " was written for another architecture\n"
                + "  checkpoint: Fake: input 1x1x4 | dense 3 relu\n"
                + "  model:      Fake: input 1x1x5 | dense 3 relu\n"
                + "  first difference: parameter fc.weight has shape [3, 4] in the checkpoint but [3, 5] in the model",
                e.getMessage());
        assertArrayEquals(before, other.parameters().get(0).value(), "nothing restored");
    }

    @Test
    void anotherOptimizerIsRefused() throws IOException {
        Path file = savedAfterThreeSteps(new FakeModel(4, 1), Adam.withLearningRate(0.1f));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.load(file).restoreInto(new FakeModel(4, 1), Sgd.withLearningRate(0.1f)));
        assertEquals("checkpoint " + file + " was saved with adam(lr=0.1, betas=0.9/0.999, eps=1.0E-8), which cannot"
                + " continue as sgd(lr=0.1, momentum=0.0)", e.getMessage());
    }

    /** Metadata whose iteration fails: the writer throws after the parameters are already written. */
    private static Map<String, String> failingMetadata() {
        return new AbstractMap<>() {
            @Override
            public Set<Entry<String, String>> entrySet() {
                throw new IllegalStateException("simulated crash while writing");
            }

            @Override
            public int size() {
                return 1;
            }
        };
    }

    @Test
    void aCrashMidWriteKeepsThePreviousCheckpointAndLeavesNoTemporaryFile() throws IOException {
        FakeModel model = new FakeModel(4, 1);
        Adam adam = Adam.withLearningRate(0.1f);
        Path file = savedAfterThreeSteps(model, adam);
        byte[] previous = Files.readAllBytes(file);
        model.fakeStep(adam);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Checkpoints.save(file, model, adam, failingMetadata()));
        assertEquals("simulated crash while writing", e.getMessage());
        assertArrayEquals(previous, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        assertEquals(3, Checkpoints.load(file).step());
    }

    @Test
    void keepsEveryFloatBitPattern() throws IOException {
        FakeModel model = new FakeModel(1, 1);
        Parameter bias = model.parameters().get(1);
        float[] odd = {Float.intBitsToFloat(0x7fc00123), -0f, Float.MIN_VALUE};
        bias.fromPytorch(odd);
        Checkpoints.save(dir.resolve("bits.kiln"), model, null, new LinkedHashMap<>());
        float[] back = Checkpoints.load(dir.resolve("bits.kiln")).values("fc.bias");
        for (int i = 0; i < odd.length; i++) {
            assertEquals(Float.floatToRawIntBits(odd[i]), Float.floatToRawIntBits(back[i]));
        }
    }

    @Test
    void fileStoreRestoresMetadataAndReportsAbsence() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("store.kiln"));
        FakeModel model = new FakeModel(2, 3);
        assertTrue(store.restore(model, null).isEmpty());
        Adam adam = Adam.withLearningRate(0.1f);
        model.fakeStep(adam);
        store.save(model, adam, META);
        assertEquals(META, store.restore(new FakeModel(2, 4), Adam.withLearningRate(0.1f)).orElseThrow());
    }
}
