package dev.kiln.runtime.io;

import dev.kiln.runtime.data.Preprocessing;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.train.CheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The training loop's checkpoint in one file, through {@link Checkpoints}; I/O errors become {@link UncheckedIOException}. */
public final class FileCheckpointStore implements CheckpointStore {
    private final Path path;
    private final Preprocessing preprocessing;

    public FileCheckpointStore(Path path) {
        this(path, null);
    }

    /** A store that saves {@code preprocessing} (null: none) with every checkpoint, for whoever loads the model. */
    public FileCheckpointStore(Path path, Preprocessing preprocessing) {
        this.path = path;
        this.preprocessing = preprocessing;
    }

    @Override
    public void save(Model model, Optimizer optimizer, Map<String, String> metadata) {
        try {
            Checkpoints.save(path, model, optimizer, preprocessing, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    /** Fails now, rather than after the first epoch, when the checkpoint could not be written. */
    @Override
    public void checkWritable() {
        try {
            AtomicFile.checkWritable(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Map<String, String>> restore(Model model, Optimizer optimizer) {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        try {
            Checkpoint checkpoint = Checkpoints.load(path);
            // Resuming on differently prepared images would continue from weights fitted to other inputs.
            if (preprocessing != null && checkpoint.preprocessing().isPresent()
                    && !checkpoint.preprocessing().get().equals(preprocessing)) {
                throw new CheckpointException("checkpoint " + path + " was trained on images prepared as "
                        + checkpoint.preprocessing().get() + "; this run prepares them as " + preprocessing
                        + "; give the same preprocessing to resume, or start afresh");
            }
            checkpoint.restoreInto(model, optimizer);
            return Optional.of(checkpoint.metadata());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return path.toString();
    }
}
