package dev.kiln.processor.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of a checked network as PyTorch names and shapes them: {@code conv1.weight}
 * {@code [out, in, kh, kw]}, {@code fc.weight} {@code [out, in]} (inputs flattened in (C, H, W)
 * order), {@code *.bias} {@code [out]}. The generated model's parameters and the compile-time
 * check of a weights file both take their names and shapes from here.
 */
public final class PytorchParameters {
    private PytorchParameters() {}

    /** One parameter tensor, and the index of its layer in the network. */
    public record Tensor(String name, int layer, int[] shape) {
        public Tensor {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }
    }

    /** Every parameter of {@code model}, weight then bias of each weighted layer, in layer order. */
    public static List<Tensor> of(NetworkModel model) {
        List<Tensor> tensors = new ArrayList<>();
        List<ResolvedLayer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            ResolvedLayer layer = layers.get(i);
            int[] weight = weightShape(layer);
            if (weight != null) {
                tensors.add(new Tensor(layer.name() + ".weight", i, weight));
                tensors.add(new Tensor(layer.name() + ".bias", i, new int[] {weight[0]}));
            }
        }
        return tensors;
    }

    /** The weight's PyTorch shape, or null for a layer without parameters. */
    public static int[] weightShape(ResolvedLayer layer) {
        return switch (layer.spec()) {
            case LayerSpec.ConvSpec conv -> new int[] {
                    conv.filters(), layer.input().channels(), conv.kernelHeight(), conv.kernelWidth()};
            case LayerSpec.DenseSpec dense -> new int[] {dense.units(), Math.toIntExact(layer.input().size())};
            default -> null;
        };
    }
}
