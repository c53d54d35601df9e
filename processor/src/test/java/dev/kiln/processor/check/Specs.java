package dev.kiln.processor.check;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Init;
import dev.kiln.dsl.Padding;
import dev.kiln.processor.model.InitSpec;
import dev.kiln.processor.model.LayerSpec;
import dev.kiln.processor.model.NetworkSpec;
import java.util.List;
import java.util.Set;

/** Layer specs as the reader would produce them, for tests of the pure checker. */
final class Specs {
    private Specs() {}

    static NetworkSpec network(int c, int h, int w, LayerSpec... layers) {
        return new NetworkSpec("p", "Net", "NetModel", List.of(c, h, w), List.of(layers));
    }

    /** A conv with explicit padding, every attribute written. */
    static LayerSpec.ConvSpec conv(String name, int filters, int kernel, int stride, int padding) {
        return new LayerSpec.ConvSpec(name, Set.of("filters", "kernel", "stride", "padding"), filters, kernel, kernel,
                stride, padding, Padding.EXPLICIT, false, Activation.RELU, new InitSpec(Init.HE, 0, 0), 0, true);
    }

    static LayerSpec.ConvSpec conv(String name, int filters, int kernel, int stride, Padding mode) {
        return new LayerSpec.ConvSpec(name, Set.of("filters", "kernel", "stride", "mode"), filters, kernel, kernel,
                stride, 0, mode, false, Activation.RELU, new InitSpec(Init.HE, 0, 0), 0, true);
    }

    static LayerSpec.PoolSpec maxPool(String name, int size) {
        return new LayerSpec.PoolSpec(name, Set.of("size"), LayerSpec.PoolKind.MAX, size, 0, 0, Padding.VALID, false);
    }

    static LayerSpec.PoolSpec maxPool(String name, int size, int stride, Padding mode) {
        return new LayerSpec.PoolSpec(name, Set.of("size", "stride", "mode"), LayerSpec.PoolKind.MAX, size, stride, 0,
                mode, false);
    }

    static LayerSpec.DenseSpec dense(String name, int units) {
        return new LayerSpec.DenseSpec(name, Set.of("units"), units, Activation.NONE, new InitSpec(Init.GLOROT, 0, 0),
                0, true);
    }

    static LayerSpec.DropoutSpec dropout(String name, double rate) {
        return new LayerSpec.DropoutSpec(name, Set.of("value"), rate);
    }
}
