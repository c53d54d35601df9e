package dev.kiln.runtime.io;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How Kiln's parameter names ("conv1.weight", the layer's field name and the tensor) map to the
 * names in a weights file. By default they are the same; a mapping renames whole layers
 * ({@code conv1 -> 0} gives "0.weight" and "0.bias", as a PyTorch {@code nn.Sequential} names
 * them) or single parameters ({@code conv1.weight -> features.0.weight}); a parameter's own entry
 * wins over its layer's. Immutable.
 */
public final class ParameterNames {
    private static final ParameterNames IDENTITY = new ParameterNames(Map.of());

    private final Map<String, String> renames;

    private ParameterNames(Map<String, String> renames) {
        this.renames = Map.copyOf(renames);
    }

    /** Every parameter keeps its Kiln name. */
    public static ParameterNames identity() {
        return IDENTITY;
    }

    /** Kiln layer or parameter name to the file's name. */
    public static ParameterNames of(Map<String, String> renames) {
        for (Map.Entry<String, String> entry : renames.entrySet()) {
            if (entry.getKey().isBlank() || entry.getValue().isBlank()) {
                throw new IllegalArgumentException("a name mapping needs a name on both sides, got '" + entry.getKey()
                        + "=" + entry.getValue() + "'");
            }
        }
        return new ParameterNames(renames);
    }

    /**
     * Reads {@code "conv1=0,conv2=3,fc1.weight=classifier.1.weight"}: comma-separated
     * {@code kiln=file} pairs, spaces around them ignored.
     */
    public static ParameterNames parse(String spec) {
        Map<String, String> renames = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("a name mapping is kiln=file pairs separated by commas, e.g."
                        + " conv1=0,conv2=3; got '" + pair.trim() + "'");
            }
            String kiln = pair.substring(0, equals).trim();
            if (renames.put(kiln, pair.substring(equals + 1).trim()) != null) {
                throw new IllegalArgumentException("the name mapping names '" + kiln + "' twice");
            }
        }
        return of(renames);
    }

    /** The file's name for the parameter Kiln calls {@code kilnName}. */
    public String fileName(String kilnName) {
        String whole = renames.get(kilnName);
        if (whole != null) {
            return whole;
        }
        int dot = kilnName.lastIndexOf('.');
        if (dot > 0) {
            String layer = renames.get(kilnName.substring(0, dot));
            if (layer != null) {
                return layer + kilnName.substring(dot);
            }
        }
        return kilnName;
    }

    /**
     * The file's name of each of {@code kilnNames}, in order (Kiln name to file name). Fails when
     * an entry of the mapping names no layer or parameter among them (a typo would otherwise pass
     * silently), or when two parameters would get the same file name.
     */
    public Map<String, String> apply(List<String> kilnNames) {
        Set<String> known = new TreeSet<>();
        for (String name : kilnNames) {
            known.add(name);
            int dot = name.lastIndexOf('.');
            if (dot > 0) {
                known.add(name.substring(0, dot));
            }
        }
        for (String kiln : renames.keySet()) {
            if (!known.contains(kiln)) {
                throw new IllegalArgumentException("the name mapping renames '" + kiln + "', which is no layer or parameter"
                        + " of the model; it has " + known);
            }
        }
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, String> taken = new HashMap<>();
        for (String kiln : kilnNames) {
            String name = fileName(kiln);
            String other = taken.put(name, kiln);
            if (other != null) {
                throw new IllegalArgumentException("the name mapping gives " + other + " and " + kiln
                        + " the same name, " + name);
            }
            names.put(kiln, name);
        }
        return names;
    }
}
