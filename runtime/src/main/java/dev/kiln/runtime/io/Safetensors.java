package dev.kiln.runtime.io;

import dev.kiln.runtime.io.SafetensorsException.Problem;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weights in and out of the safetensors format, in PyTorch's names and layouts: the
 * {@code state_dict} of the same network written with {@code torch.nn} (conv weight
 * {@code [out, in, kh, kw]}, linear weight {@code [out, in]} with inputs flattened in (C, H, W)
 * order), so {@code safetensors.torch.load_file} and {@code model.load_state_dict} take an exported
 * file as it is, and a file PyTorch saved imports here. Names are Kiln's parameter names unless a
 * {@link ParameterNames} mapping says otherwise.
 *
 * <p>All methods are static and keep no state; importing into a model changes that model, which
 * (like every use of a model) must not run concurrently with other calls on it.
 */
public final class Safetensors {
    /** The metadata entry PyTorch tools look for ("pt": the tensors follow PyTorch's conventions). */
    static final String FORMAT_KEY = "format";

    private Safetensors() {
    }

    /** Writes the model's current weights to {@code file}. */
    public static void save(Path file, Model model, ParameterNames names) throws IOException {
        List<Parameter> parameters = model.parameters();
        Map<String, String> fileNames = names.apply(parameters.stream().map(Parameter::name).toList());
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            tensors.put(fileNames.get(p.name()), new SafetensorsWriter.Tensor(p.pytorchShape(), p.toPytorch()));
        }
        SafetensorsWriter.write(file, tensors, metadata(model.name(), model.architecture(), model.step()));
    }

    /** Writes the weights a checkpoint holds to {@code file} (its optimizer state is not exported). */
    public static void save(Path file, Checkpoint checkpoint, ParameterNames names) throws IOException {
        Map<String, String> fileNames = names.apply(checkpoint.parameterNames());
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (String name : checkpoint.parameterNames()) {
            tensors.put(fileNames.get(name), new SafetensorsWriter.Tensor(checkpoint.shape(name), checkpoint.values(name)));
        }
        SafetensorsWriter.write(file, tensors, metadata(checkpoint.modelName(), checkpoint.architecture(), checkpoint.step()));
    }

    /**
     * Puts the weights of {@code file} into {@code model}. Everything is checked before anything
     * changes: each of the model's parameters must be in the file (under its mapped name) with the
     * same shape and a float dtype (F16, BF16 and F64 are converted), and the file must hold nothing
     * else; the first difference is the error. The model's step and seed are left as they are.
     */
    public static void load(Path file, Model model, ParameterNames names) throws IOException {
        SafetensorsFile weights = SafetensorsFile.open(file);
        List<Parameter> parameters = model.parameters();
        Map<String, String> fileNames = names.apply(parameters.stream().map(Parameter::name).toList());
        Set<String> used = new HashSet<>();
        for (Parameter p : parameters) {
            String name = fileNames.get(p.name());
            String called = name.equals(p.name()) ? "" : " (named " + name + " in the file)";
            SafetensorsFile.Entry entry = weights.tensor(name);
            if (entry == null) {
                throw new SafetensorsException(Problem.MISSING_TENSOR, file + " does not fit " + model.name() + ": it has no "
                        + p.name() + called + "; its tensors are " + tensorNames(weights));
            }
            if (!entry.dtype().convertsToFloat()) {
                throw new SafetensorsException(Problem.UNSUPPORTED_DTYPE, file + " does not fit " + model.name() + ": "
                        + p.name() + called + " is " + entry.dtype() + "; Kiln reads F32, and converts F16, BF16 and F64");
            }
            if (!Arrays.equals(entry.shape(), p.pytorchShape())) {
                throw new SafetensorsException(Problem.SHAPE_MISMATCH, file + " does not fit " + model.name() + ": "
                        + p.name() + called + " has shape " + Arrays.toString(entry.shape()) + " in the file but "
                        + Arrays.toString(p.pytorchShape()) + " in the model");
            }
            used.add(name);
        }
        for (SafetensorsFile.Entry entry : weights.tensors()) {
            if (!used.contains(entry.name())) {
                throw new SafetensorsException(Problem.UNEXPECTED_TENSOR, file + " does not fit " + model.name()
                        + ": the file has " + entry.name() + " " + Arrays.toString(entry.shape())
                        + ", which is no parameter of the model (its parameters, as named in the file: " + fileNames.values() + ")");
            }
        }
        Map<Parameter, float[]> values = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            values.put(p, weights.floats(fileNames.get(p.name())));
        }
        values.forEach(Parameter::fromPytorch);
    }

    /**
     * {@link #load(Path, Model, ParameterNames)} of the class-path resource {@code resource}, found
     * as {@code anchor.getResource(resource)} does (relative to the anchor's package unless it
     * starts with '/'). Generated models call this from {@code loadWeights()} with their
     * {@code @Network(weights)}.
     */
    public static void loadResource(Class<?> anchor, String resource, Model model, ParameterNames names)
            throws IOException {
        URL url = anchor.getResource(resource);
        if (url == null) {
            throw new NoSuchFileException(resource, null, "no class-path resource " + resource + " next to " + anchor.getName());
        }
        load(url, model, names);
    }

    /**
     * {@link #load(Path, Model, ParameterNames)} of {@code url}: a {@code file:} URL is read in
     * place; any other (an entry of a jar) is copied to a temporary file first, deleted after, as
     * the reader needs random access to check the header against the file's size.
     */
    public static void load(URL url, Model model, ParameterNames names) throws IOException {
        if ("file".equals(url.getProtocol())) {
            try {
                load(Path.of(url.toURI()), model, names);
                return;
            } catch (URISyntaxException | IllegalArgumentException notAPlainPath) {
                // a file URL with characters a URI refuses: read it through the copy below
            }
        }
        Path copy = Files.createTempFile("kiln-weights", ".safetensors");
        try {
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            load(copy, model, names);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private static List<String> tensorNames(SafetensorsFile weights) {
        return weights.tensors().stream().map(SafetensorsFile.Entry::name).toList();
    }

    private static Map<String, String> metadata(String modelName, String architecture, long step) {
        return Map.of(FORMAT_KEY, "pt", "kiln.model", modelName, "kiln.architecture", architecture, "kiln.step",
                Long.toString(step));
    }
}
