package dev.kiln.runtime.model;

import java.util.List;

/**
 * The constant facts of a generated model: its name, the architecture fingerprint, the summary
 * table, the shapes at both ends and its size. Each generated class holds its own as the public
 * constant {@code INFO}, so a program can list or describe a network without creating it (and
 * allocating its weights: 575 MB for VGG-19).
 *
 * @param name          the annotated class's simple name
 * @param architecture  the one-line fingerprint returned by {@link Model#architecture()}
 * @param summary       the table returned by {@link Model#summary()}
 * @param forwardFlops  forward FLOPs per example, 2 per multiply-add
 * @param parameters    the number of weights, trainable or not
 * @param layers        every layer in declaration order, with its output shape ({@link Model#layers()})
 */
public record ModelInfo(
        String name,
        String architecture,
        String summary,
        int inputChannels,
        int inputHeight,
        int inputWidth,
        int classes,
        long forwardFlops,
        long parameters,
        List<LayerInfo> layers) {

    public ModelInfo {
        layers = List.copyOf(layers);
    }

    /** Facts of a model that does not describe its layers. */
    public ModelInfo(String name, String architecture, String summary, int inputChannels, int inputHeight, int inputWidth,
            int classes, long forwardFlops, long parameters) {
        this(name, architecture, summary, inputChannels, inputHeight, inputWidth, classes, forwardFlops, parameters, List.of());
    }

    /** Values per example in the public (C, H, W) layout. */
    public int inputSize() {
        return inputChannels * inputHeight * inputWidth;
    }
}
