package dev.kiln.reports;

import dev.kiln.runtime.model.LayerInfo;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import java.util.stream.Collectors;

/**
 * The first convolution layer of a model, found through {@link Model#layers()}, with a copy of its
 * weights in PyTorch's layout [filters][input channels][kernel height][kernel width].
 */
record FirstConvLayer(LayerInfo layer, int filters, int inputChannels, int kernelHeight, int kernelWidth, float[] weights) {

    /** @throws IllegalArgumentException naming the model and its layers when it has no convolution */
    static FirstConvLayer of(Model model) {
        LayerInfo conv = model.layers().stream().filter(l -> l.kind() == LayerInfo.Kind.CONV).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(model.name() + " has no convolution layer, so there are no filters"
                        + " or feature maps to draw; its layers: " + (model.layers().isEmpty() ? "(not described)"
                        : model.layers().stream().map(l -> l.name() + " " + l.kind()).collect(Collectors.joining(", ")))));
        String name = conv.name() + ".weight";
        Parameter weight = model.parameters().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(model.name() + " has a layer " + conv.name() + " but no parameter " + name));
        int[] shape = weight.pytorchShape();
        float[][] copy = new float[1][];
        // Inside changeWeights: a training step on another thread cannot be half-way through its update.
        model.changeWeights(() -> copy[0] = weight.toPytorch());
        return new FirstConvLayer(conv, shape[0], shape[1], shape[2], shape[3], copy[0]);
    }

    /** Offset of filter {@code f}'s input channel {@code c} kernel in {@link #weights}. */
    int offset(int f, int c) {
        return (f * inputChannels + c) * kernelHeight * kernelWidth;
    }
}
