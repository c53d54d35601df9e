package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Optimizer;
import java.util.Map;
import java.util.Optional;

/** Where the training loop keeps its checkpoint: a file in practice, memory in tests. */
public interface CheckpointStore {

    /** Saves model, optimizer and the loop's position, replacing the previous checkpoint only once complete. */
    void save(Model model, Optimizer optimizer, Map<String, String> metadata);

    /** Restores model and optimizer from the checkpoint and returns its metadata; empty when there is none. */
    Optional<Map<String, String>> restore(Model model, Optimizer optimizer);

    /**
     * Fails, naming why, when a save would fail for a reason known now (e.g. a folder that cannot be
     * written), so that training does not run for nothing; called before the first step.
     */
    default void checkWritable() {}

    /** Names the checkpoint for messages, e.g. its path. */
    String describe();
}
