package dev.kiln.runtime.io;

import dev.kiln.runtime.data.Preprocessing;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.train.NonFiniteValues;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A checkpoint read from disk (its checksum already verified): the model's parameters in PyTorch's
 * layout, its step and seed, the optimizer's state and the training loop's metadata.
 */
public final class Checkpoint {
    /** Whether {@link #restoreInto} accepts weights (and optimizer state) that are NaN or infinite. */
    public enum NonFinite {
        /** Refuse them, naming the parameter: a model restored from them answers NaN. */
        REFUSE,
        /** Restore them anyway, e.g. to inspect a run that diverged. */
        ACCEPT
    }

    /** One parameter in PyTorch's layout. */
    record Tensor(int[] shape, float[] values) {
    }

    private final Path path;
    private final int formatVersion;
    private final String modelName;
    private final String architecture;
    private final long step;
    private final long seed;
    private final Map<String, Tensor> parameters;
    private final String optimizerDescription;
    private final Map<String, float[]> optimizerState;
    private final Map<String, String> metadata;
    private final Preprocessing preprocessing;

    Checkpoint(Path path, int formatVersion, String modelName, String architecture, long step, long seed,
            Map<String, Tensor> parameters, String optimizerDescription, Map<String, float[]> optimizerState,
            Map<String, String> metadata, Preprocessing preprocessing) {
        this.path = path;
        this.formatVersion = formatVersion;
        this.modelName = modelName;
        this.architecture = architecture;
        this.step = step;
        this.seed = seed;
        this.parameters = parameters;
        this.optimizerDescription = optimizerDescription;
        this.optimizerState = optimizerState;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.preprocessing = preprocessing;
    }

    public Path path() {
        return path;
    }

    public int formatVersion() {
        return formatVersion;
    }

    public String modelName() {
        return modelName;
    }

    /** The architecture fingerprint of the model that wrote it. */
    public String architecture() {
        return architecture;
    }

    public long step() {
        return step;
    }

    public long seed() {
        return seed;
    }

    /** Parameter names in the model's order, as PyTorch state_dict keys. */
    public List<String> parameterNames() {
        return List.copyOf(parameters.keySet());
    }

    /** A parameter's shape in PyTorch's layout, e.g. [32, 1, 5, 5] for a conv weight. */
    public int[] shape(String parameter) {
        return tensor(parameter).shape().clone();
    }

    /** A copy of a parameter's values in PyTorch's layout (row-major over {@link #shape}). */
    public float[] values(String parameter) {
        return tensor(parameter).values().clone();
    }

    /** The optimizer's {@code describe()} at saving time; null when it was saved without one. */
    public String optimizerDescription() {
        return optimizerDescription;
    }

    /** True when optimizer state was saved. */
    public boolean hasOptimizerState() {
        return optimizerState != null;
    }

    /** The free key/value entries the training loop saved (epoch, position in the epoch, ...). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * How the training images were prepared (shape, normalization, class names); empty for a
     * checkpoint saved without it, e.g. by a Kiln from before format version 2.
     */
    public Optional<Preprocessing> preprocessing() {
        return Optional.ofNullable(preprocessing);
    }

    /**
     * Puts the saved parameters, step and seed into {@code model} and the saved state into
     * {@code optimizer} (null: inference only). Everything is checked before anything changes:
     * the architecture fingerprint, every parameter's name and shape, the optimizer's kind and
     * state, and that every value is finite. Safe while other threads predict with {@code model}:
     * the weights change inside {@link Model#changeWeights}.
     */
    public void restoreInto(Model model, Optimizer optimizer) throws CheckpointException {
        restoreInto(model, optimizer, NonFinite.REFUSE);
    }

    /** As {@link #restoreInto(Model, Optimizer)}, accepting NaN and infinite values when {@code nonFinite} is ACCEPT. */
    public void restoreInto(Model model, Optimizer optimizer, NonFinite nonFinite) throws CheckpointException {
        if (nonFinite == NonFinite.REFUSE) {
            requireFinite(optimizer != null);
        }
        List<Parameter> modelParameters = model.parameters();
        if (!architecture.equals(model.architecture())) {
            String difference = firstDifference(modelParameters);
            throw new CheckpointException("checkpoint " + path + " was written for another architecture\n"
                    + "  checkpoint: " + modelName + ": " + architecture + "\n"
                    + "  model:      " + model.name() + ": " + model.architecture() + "\n"
                    + "  " + (difference != null ? "first difference: " + difference
                            : "every parameter has the same name and shape; the layers differ in their options"));
        }
        String difference = firstDifference(modelParameters);
        if (difference != null) {
            throw new CheckpointException("checkpoint " + path + " does not fit " + model.name() + ": " + difference);
        }
        if (optimizer != null) {
            if (optimizerState == null) {
                throw new CheckpointException("checkpoint " + path + " holds no optimizer state (it was saved for inference);"
                        + " load it without an optimizer, or train from scratch");
            }
            if (!kind(optimizerDescription).equals(kind(optimizer.describe()))) {
                throw new CheckpointException("checkpoint " + path + " was saved with " + optimizerDescription
                        + ", which cannot continue as " + optimizer.describe());
            }
            try {
                optimizer.restore(optimizerState, modelParameters);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException("checkpoint " + path + ": " + e.getMessage(), e);
            }
        }
        model.changeWeights(() -> {               // predictions on other threads see the old weights or the new, never a mix
            for (Parameter p : modelParameters) {
                p.fromPytorch(parameters.get(p.name()).values());
            }
            model.setStep(step);
            model.setSeed(seed);
        });
    }

    /**
     * What {@link #restoreMatching} did.
     *
     * @param loaded  the model's parameters that took the checkpoint's values
     * @param skipped the model's other parameters, each with why, e.g.
     *                "logits.weight: [2, 64] in the model, [10, 64] in the checkpoint"
     */
    public record Transfer(List<String> loaded, List<String> skipped) {
    }

    /**
     * Transfer learning: puts the saved values into every parameter of {@code model} that has the
     * same name and shape here, and leaves the others as they are (PyTorch's
     * {@code load_state_dict(strict=False)}). The model may be of another architecture, e.g. the
     * same layers with a new last layer for another class count, and with the reused layers
     * frozen ({@code trainable = false}). Neither step, seed nor optimizer state is taken: this
     * starts a new training run.
     *
     * @throws CheckpointException when no parameter matches, or a value to be loaded is NaN or infinite
     */
    public Transfer restoreMatching(Model model) throws CheckpointException {
        List<String> loaded = new java.util.ArrayList<>();
        List<String> skipped = new java.util.ArrayList<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            Tensor saved = parameters.get(p.name());
            if (saved == null) {
                skipped.add(p.name() + ": not in the checkpoint");
            } else if (!Arrays.equals(saved.shape(), p.pytorchShape())) {
                skipped.add(p.name() + ": " + Arrays.toString(p.pytorchShape()) + " in the model, "
                        + Arrays.toString(saved.shape()) + " in the checkpoint");
            } else {
                loaded.add(p.name());
                values.put(p.name(), saved.values());
            }
        }
        if (loaded.isEmpty()) {
            throw new CheckpointException("checkpoint " + path + " (" + modelName + ") shares no parameter of the same name and"
                    + " shape with " + model.name() + ": " + skipped);
        }
        var bad = NonFiniteValues.in(values);
        if (bad.isPresent()) {
            throw new CheckpointException("checkpoint " + path + " holds values that are not finite: " + bad.get().describe());
        }
        for (Parameter p : model.parameters()) {
            if (values.containsKey(p.name())) {
                p.fromPytorch(values.get(p.name()));
            }
        }
        return new Transfer(List.copyOf(loaded), List.copyOf(skipped));
    }

    private void requireFinite(boolean withOptimizerState) throws CheckpointException {
        Map<String, float[]> values = new LinkedHashMap<>();
        parameters.forEach((name, tensor) -> values.put(name, tensor.values()));
        if (withOptimizerState && optimizerState != null) {
            values.putAll(optimizerState);
        }
        var bad = NonFiniteValues.in(values);
        if (bad.isPresent()) {
            throw new CheckpointException("checkpoint " + path + " holds values that are not finite: " + bad.get().describe()
                    + " (training had probably diverged when it was saved); restore an earlier checkpoint, or pass"
                    + " Checkpoint.NonFinite.ACCEPT to load it anyway");
        }
    }

    /** The first parameter whose name or shape differs, or null when all agree. */
    private String firstDifference(List<Parameter> modelParameters) {
        List<String> saved = parameterNames();
        for (int i = 0; i < Math.max(saved.size(), modelParameters.size()); i++) {
            if (i >= saved.size()) {
                return "the model has parameter " + modelParameters.get(i).name() + " (#" + (i + 1)
                        + "), which the checkpoint lacks";
            }
            if (i >= modelParameters.size()) {
                return "the checkpoint has parameter " + saved.get(i) + " (#" + (i + 1) + "), which the model lacks";
            }
            Parameter p = modelParameters.get(i);
            if (!p.name().equals(saved.get(i))) {
                return "parameter #" + (i + 1) + " is " + saved.get(i) + " in the checkpoint but " + p.name() + " in the model";
            }
            int[] savedShape = parameters.get(saved.get(i)).shape();
            if (!Arrays.equals(savedShape, p.pytorchShape())) {
                return "parameter " + p.name() + " has shape " + Arrays.toString(savedShape) + " in the checkpoint but "
                        + Arrays.toString(p.pytorchShape()) + " in the model";
            }
        }
        return null;
    }

    /** "adam" from "adam(lr=0.001, ...)". */
    private static String kind(String description) {
        int paren = description.indexOf('(');
        return paren < 0 ? description : description.substring(0, paren);
    }

    private Tensor tensor(String parameter) {
        Tensor tensor = parameters.get(parameter);
        if (tensor == null) {
            throw new IllegalArgumentException("checkpoint " + path + " has no parameter " + parameter + "; it has "
                    + parameters.keySet());
        }
        return tensor;
    }
}
