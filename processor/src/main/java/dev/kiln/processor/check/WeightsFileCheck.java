package dev.kiln.processor.check;

import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Message;
import dev.kiln.processor.model.NetworkModel;
import dev.kiln.processor.model.PytorchParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the header of a safetensors file with a checked network's parameters, as the runtime's
 * {@code Safetensors.load} will: every parameter present by its PyTorch name, with its shape and a
 * float dtype the runtime converts, and nothing else. Unlike the runtime it reports every
 * difference, each on the layer at fault (an extra tensor, which has no layer, on the network).
 */
public final class WeightsFileCheck {
    /** The dtypes the runtime reads (F32) or converts exactly to float32. */
    static final Set<String> FLOAT_DTYPES = Set.of("F32", "F16", "BF16", "F64");
    private static final String METADATA_KEY = "__metadata__";

    private WeightsFileCheck() {}

    /** One tensor's entry in the header. */
    private record Entry(String dtype, int[] shape) {}

    /**
     * The differences between {@code header} (a parsed safetensors header) and {@code model}'s
     * parameters; {@code file} is the annotation's {@code weights} value, for messages.
     */
    public static List<Diagnostic> check(NetworkModel model, String file, Map<String, Object> header) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, Object> member : header.entrySet()) {
            if (member.getKey().equals(METADATA_KEY)) {
                continue;
            }
            Entry entry = entry(member.getValue());
            if (entry == null) {
                return List.of(Diagnostic.of(Message.WEIGHTS_HEADER_CORRUPT, Diagnostic.NETWORK, "weights", List.of(),
                        file, "the entry of \"" + member.getKey() + "\" is not {\"dtype\": \"...\", \"shape\": [sizes], ...}"));
            }
            entries.put(member.getKey(), entry);
        }
        List<Diagnostic> found = new ArrayList<>();
        for (PytorchParameters.Tensor expected : PytorchParameters.of(model)) {
            String layerName = model.layers().get(expected.layer()).name();
            String shape = Arrays.toString(expected.shape());
            Entry entry = entries.remove(expected.name());
            if (entry == null) {
                found.add(Diagnostic.of(Message.WEIGHTS_TENSOR_MISSING, expected.layer(), null,
                        List.of("note: the file's tensors are " + header.keySet().stream()
                                .filter(k -> !k.equals(METADATA_KEY)).toList()),
                        layerName, expected.name(), "F32", shape));
                continue;
            }
            if (!FLOAT_DTYPES.contains(entry.dtype())) {
                found.add(Diagnostic.of(Message.WEIGHTS_TENSOR_DTYPE, expected.layer(), null, List.of(),
                        layerName, expected.name(), entry.dtype()));
            }
            if (!Arrays.equals(entry.shape(), expected.shape())) {
                found.add(Diagnostic.of(Message.WEIGHTS_TENSOR_SHAPE, expected.layer(), null,
                        List.of("note: PyTorch layout: conv weight [out, in, kh, kw], linear weight [out, in], bias [out]"),
                        layerName, expected.name(), Arrays.toString(entry.shape()), shape));
            }
        }
        entries.forEach((name, entry) -> found.add(Diagnostic.of(Message.WEIGHTS_TENSOR_EXTRA, Diagnostic.NETWORK,
                "weights", List.of("note: this network's parameters are "
                        + PytorchParameters.of(model).stream().map(PytorchParameters.Tensor::name).toList()),
                name, Arrays.toString(entry.shape()))));
        return found;
    }

    /** The dtype and shape of a header entry, or null when it has not that form. */
    private static Entry entry(Object value) {
        if (!(value instanceof Map<?, ?> map) || !(map.get("dtype") instanceof String dtype)
                || !(map.get("shape") instanceof List<?> sizes)) {
            return null;
        }
        int[] shape = new int[sizes.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(sizes.get(i) instanceof Long size) || size < 0 || size > Integer.MAX_VALUE) {
                return null;
            }
            shape[i] = size.intValue();
        }
        return new Entry(dtype, shape);
    }
}
