package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Optimizer;
import java.util.Map;
import java.util.Optional;

/** A checkpoint store in memory: keeps the step and the loop's metadata of the last save. */
final class MemoryStore implements CheckpointStore {
    long savedStep = -1;
    Map<String, String> saved;
    int saves;

    @Override
    public void save(Model model, Optimizer optimizer, Map<String, String> metadata) {
        savedStep = model.step();
        saved = Map.copyOf(metadata);
        saves++;
    }

    @Override
    public Optional<Map<String, String>> restore(Model model, Optimizer optimizer) {
        if (saved == null) {
            return Optional.empty();
        }
        model.setStep(savedStep);
        return Optional.of(saved);
    }

    @Override
    public String describe() {
        return "memory checkpoint";
    }
}
