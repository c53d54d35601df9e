package dev.kiln.processor.read;

import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.model.NetworkSpec;
import java.util.List;

/**
 * A {@code @Network} class read from javac's elements.
 *
 * @param spec     the pure declaration, for the checker
 * @param network  where the {@code @Network} annotation is
 * @param layers   where each layer of {@code spec.layers()} is, same index
 * @param problems what the reader itself found (fields and class structure), each with its place
 */
public record ReadNetwork(NetworkSpec spec, Site network, List<Site> layers, List<Located> problems) {

    /** A diagnostic found while reading, with the place it belongs to. */
    public record Located(Diagnostic diagnostic, Site site) {}

    public ReadNetwork {
        layers = List.copyOf(layers);
        problems = List.copyOf(problems);
    }

    /** The place of a checker diagnostic: its layer's site, or the network's. */
    public Site siteOf(Diagnostic diagnostic) {
        return diagnostic.layer() == Diagnostic.NETWORK ? network : layers.get(diagnostic.layer());
    }
}
