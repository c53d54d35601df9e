package dev.kiln.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.runtime.optim.Adam;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What keeps a broken checkpoint from being used or left behind: non-finite weights, stale temporary files, byte-stable metadata, an unwritable path. */
class CheckpointSafetyTest {
    @TempDir Path dir;

    /** A model whose weight has one infinity and whose bias has one NaN. */
    private static FakeModel diverged() {
        FakeModel model = new FakeModel(4, 1);
        model.parameters().get(0).value()[5] = Float.POSITIVE_INFINITY;
        model.parameters().get(1).value()[2] = Float.NaN;
        return model;
    }

    @Test
    void restoringNonFiniteWeightsIsRefusedNamingTheParameterAndCount() throws IOException {
        Path file = dir.resolve("diverged.kiln");
        Checkpoints.save(file, diverged(), null, Map.of());
        FakeModel target = new FakeModel(4, 2);
        float[] before = target.parameters().get(0).value().clone();

        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(file).restoreInto(target, null));

        assertEquals("checkpoint " + file + " holds values that are not finite: fc.weight has 1 of 12 values NaN or infinite"
                + " (2 of 15 in 2 arrays) (training had probably diverged when it was saved); restore an earlier checkpoint,"
                + " or pass Checkpoint.NonFinite.ACCEPT to load it anyway", e.getMessage());
        assertArrayEquals(before, target.parameters().get(0).value(), "nothing changed");
    }

    @Test
    void nonFiniteWeightsRestoreWhenAskedFor() throws IOException {
        Path file = dir.resolve("diverged.kiln");
        Checkpoints.save(file, diverged(), null, Map.of());
        FakeModel target = new FakeModel(4, 2);

        Checkpoints.load(file).restoreInto(target, null, Checkpoint.NonFinite.ACCEPT);

        assertTrue(Float.isNaN(target.parameters().get(1).value()[2]));
    }

    @Test
    void nonFiniteOptimizerStateIsRefusedWhenResumingButNotForInference() throws IOException {
        FakeModel model = new FakeModel(3, 1);
        Adam adam = Adam.withLearningRate(0.1f);
        model.fakeStep(adam);
        Map<String, float[]> state = adam.state();
        String entry = state.keySet().stream().filter(key -> key.startsWith("fc.bias/")).findFirst().orElseThrow();
        state.get(entry)[0] = Float.NaN; // finite weights, broken moments
        adam.restore(state, model.parameters());
        Path file = dir.resolve("state.kiln");
        Checkpoints.save(file, model, adam, Map.of());

        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.load(file).restoreInto(new FakeModel(3, 2), Adam.withLearningRate(0.1f)));
        assertTrue(e.getMessage().startsWith("checkpoint " + file + " holds values that are not finite: " + entry
                + " has 1 of 3 values NaN or infinite (training"), e.getMessage());

        Checkpoints.load(file).restoreInto(new FakeModel(3, 2), null);
    }

    @Test
    void metadataIsWrittenSortedSoTheSameContentGivesTheSameBytes() throws IOException {
        Map<String, String> forward = new LinkedHashMap<>();
        Map<String, String> backward = new LinkedHashMap<>();
        List<String> keys = List.of("epoch", "nextBatch", "epochLossSum", "epochCorrect", "epochSeen", "zeta", "alpha");
        for (int i = 0; i < keys.size(); i++) {
            forward.put(keys.get(i), "v" + i);
            backward.put(keys.get(keys.size() - 1 - i), "v" + (keys.size() - 1 - i));
        }
        Path a = dir.resolve("a.kiln");
        Path b = dir.resolve("b.kiln");
        Checkpoints.save(a, new FakeModel(3, 7), null, forward);
        Checkpoints.save(b, new FakeModel(3, 7), null, backward);

        assertEquals(-1, Files.mismatch(a, b), "the same model and metadata give the same bytes");
        assertEquals(List.of("alpha", "epoch", "epochCorrect", "epochLossSum", "epochSeen", "nextBatch", "zeta"),
                List.copyOf(Checkpoints.load(a).metadata().keySet()));
    }

    @Test
    void savingDeletesTheStaleTemporaryFilesOfThatCheckpointOnly() throws IOException {
        Path file = dir.resolve("model.kiln");
        // What killed saves of model.kiln leave: a dot, the name, a number, ".tmp".
        List<String> stale = List.of(".model.kiln.123.tmp", ".model.kiln.18446744073709551615.tmp");
        List<String> others = List.of(".other.kiln.5.tmp", ".model.kiln.5.tmp.keep", "model.kiln.5.tmp", ".model.kiln.tmp",
                ".model.kiln.x5.tmp", ".model.kiln.7.8.tmp", ".xmodel.kiln.5.tmp");
        for (String name : Stream.concat(stale.stream(), others.stream()).toList()) {
            Files.writeString(dir.resolve(name), "left over");
        }

        Checkpoints.save(file, new FakeModel(2, 1), null, Map.of());

        Set<String> left;
        try (Stream<Path> files = Files.list(dir)) {
            left = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        Set<String> expected = new java.util.HashSet<>(others);
        expected.add("model.kiln");
        assertEquals(expected, left);
    }

    @Test
    void aNewCheckpointHasTheUmasksPermissionsAndAReplacedOneKeepsItsOwn() throws IOException {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "POSIX permissions");
        // What any new file in this folder gets (the umask decides), not the owner-only of a temp file.
        Set<PosixFilePermission> plain = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain")));
        Path file = dir.resolve("model.kiln");
        Checkpoints.save(file, new FakeModel(2, 1), null, Map.of());
        assertEquals(plain, Files.getPosixFilePermissions(file));

        Set<PosixFilePermission> chosen = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(file, chosen);
        Checkpoints.save(file, new FakeModel(2, 2), null, Map.of());
        assertEquals(chosen, Files.getPosixFilePermissions(file));
    }

    @Test
    void aStoreChecksItsPathIsWritableAndLeavesNothingBehind() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("checkpoints"));
        new FileCheckpointStore(folder.resolve("deeper/run.kiln")).checkWritable();
        try (Stream<Path> files = Files.list(folder.resolve("deeper"))) {
            assertEquals(0, files.count(), "the probe file is deleted");
        }

        UncheckedIOException isFolder = assertThrows(UncheckedIOException.class,
                () -> new FileCheckpointStore(folder).checkWritable());
        assertEquals("cannot save checkpoint " + folder + ": " + folder.toAbsolutePath() + " is a folder; give a file name",
                isFolder.getMessage());

        Path plainFile = Files.writeString(dir.resolve("plain"), "x");
        UncheckedIOException underAFile = assertThrows(UncheckedIOException.class,
                () -> new FileCheckpointStore(plainFile.resolve("run.kiln")).checkWritable());
        assertTrue(underAFile.getMessage().startsWith("cannot save checkpoint " + plainFile.resolve("run.kiln")
                + ": its folder " + plainFile + " cannot be created (FileAlreadyExistsException"), underAFile.getMessage());
    }
}
