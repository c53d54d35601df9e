package dev.kiln.processor.model;

import java.util.List;

/**
 * A checked network: every layer resolved, every shape known. This is all the generator sees.
 *
 * @param packageName   the package of the annotated class (and of the generated one)
 * @param className     the annotated class's simple name
 * @param generatedName the generated model's simple name
 * @param input         the shape of one example
 * @param layers        in declaration order; the last is the dense logits layer
 */
public record NetworkModel(
        String packageName, String className, String generatedName, Shape input, List<ResolvedLayer> layers) {

    public NetworkModel {
        layers = List.copyOf(layers);
    }

    /** Sums are exact: the checker refused any network whose counts a long cannot hold. */
    public long totalParameters() {
        return layers.stream().mapToLong(ResolvedLayer::parameters).reduce(0, Math::addExact);
    }

    public long trainableParameters() {
        return layers.stream()
                .filter(l -> switch (l.spec()) {
                    case LayerSpec.ConvSpec c -> c.trainable();
                    case LayerSpec.DenseSpec d -> d.trainable();
                    default -> true;
                })
                .mapToLong(ResolvedLayer::parameters)
                .reduce(0, Math::addExact);
    }

    public long forwardFlops() {
        return layers.stream().mapToLong(ResolvedLayer::flops).reduce(0, Math::addExact);
    }

    /** Number of classes: the units of the last (dense) layer. */
    public int classes() {
        return layers.get(layers.size() - 1).output().channels();
    }
}
