package dev.kiln.processor.generate;

import dev.kiln.processor.model.NetworkModel;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one-line architecture fingerprint: the input shape and every layer with the options that
 * decide its parameters' shapes and its arithmetic. Initialisation, L2 and freezing are left out,
 * since models that differ only in those exchange weights fine.
 */
final class Architecture {
    private Architecture() {}

    static String describe(NetworkModel model, List<LayerEmitter> layers) {
        return model.className() + " " + model.input() + ": "
                + layers.stream().map(LayerEmitter::fingerprint).collect(Collectors.joining("; "));
    }
}
