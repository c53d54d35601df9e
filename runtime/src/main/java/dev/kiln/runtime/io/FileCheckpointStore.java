package dev.kiln.runtime.io;

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

    public FileCheckpointStore(Path path) {
        this.path = path;
    }

    @Override
    public void save(Model model, Optimizer optimizer, Map<String, String> metadata) {
        try {
            Checkpoints.save(path, model, optimizer, metadata);
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
