package dev.kiln.processor.check;

import dev.kiln.dsl.Padding;
import dev.kiln.processor.model.LayerSpec;
import dev.kiln.processor.model.LayerSpec.ConvSpec;
import dev.kiln.processor.model.LayerSpec.PoolSpec;
import java.util.Set;

/**
 * The sliding window of a convolution or pooling layer, in the same terms for both, with the
 * names of the attributes the user wrote it with (to put an error on the right one).
 *
 * @param kernelName  "kernel" for a convolution, "size" for a pool (as in the formulas)
 * @param outChannels the filters of a convolution; a pool keeps its input's channels (0 here)
 * @param maxPadding  the largest padding a repair may suggest
 */
record Window(
        String kernelName,
        int kernelHeight,
        int kernelWidth,
        int stride,
        int padding,
        Padding mode,
        boolean floor,
        int outChannels,
        int maxPadding,
        Set<String> explicit) {

    static Window of(LayerSpec spec) {
        return switch (spec) {
            case ConvSpec c -> new Window("kernel", c.kernelHeight(), c.kernelWidth(), c.stride(), c.padding(),
                    c.mode(), c.floor(), c.filters(), Math.max(c.kernelHeight(), c.kernelWidth()) - 1, c.explicit());
            case PoolSpec p -> new Window("size", p.size(), p.size(), p.effectiveStride(), p.padding(), p.mode(),
                    p.floor(), 0, p.size() / 2, p.explicit());
            default -> throw new IllegalArgumentException(spec.kind() + " has no window");
        };
    }

    boolean isConv() {
        return kernelName.equals("kernel");
    }

    /** The attribute that sets the window size along the height (rows) or width. */
    String kernelAttribute(boolean rows) {
        if (!isConv()) {
            return "size";
        }
        if (explicit.contains("kernel")) {
            return "kernel";
        }
        return rows ? "kernelHeight" : "kernelWidth";
    }

    /** The first of {@code attributes} the user wrote, or null for the whole annotation. */
    String firstWritten(String... attributes) {
        for (String attribute : attributes) {
            if (explicit.contains(attribute)) {
                return attribute;
            }
        }
        return null;
    }
}
