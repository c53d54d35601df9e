package dev.kiln.processor.generate;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Init;
import dev.kiln.dsl.Padding;
import dev.kiln.processor.model.Axis;
import dev.kiln.processor.model.InitSpec;
import dev.kiln.processor.model.LayerSpec;
import dev.kiln.processor.model.NetworkModel;
import dev.kiln.processor.model.ResolvedLayer;
import dev.kiln.processor.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds checked networks by hand, with its own shape arithmetic, so the generator tests do not
 * depend on the processor's reader and checker.
 */
final class NetBuilder {
    static final String PACKAGE = "test.nets";
    private static final InitSpec GLOROT = new InitSpec(Init.GLOROT, 0, 0.1);

    private final String className;
    private final Shape input;
    private final List<ResolvedLayer> layers = new ArrayList<>();
    private Shape current;

    NetBuilder(String className, int channels, int height, int width) {
        this.className = className;
        this.input = Shape.spatial(channels, height, width);
        this.current = input;
    }

    NetBuilder conv(String name, int filters, int kh, int kw, int stride, Padding mode, int padding, Activation act) {
        return conv(name, filters, kh, kw, stride, mode, padding, act, GLOROT, 0, true);
    }

    NetBuilder conv(String name, int filters, int kh, int kw, int stride, Padding mode, int padding, Activation act,
                    InitSpec init, double l2, boolean trainable) {
        Axis rows = axis(current.height(), kh, stride, mode, padding);
        Axis cols = axis(current.width(), kw, stride, mode, padding);
        var spec = new LayerSpec.ConvSpec(name, Set.of(), filters, kh, kw, stride, padding, mode, true, act, init, l2, trainable);
        Shape out = Shape.spatial(filters, rows.out(), cols.out());
        long params = (long) filters * current.channels() * kh * kw + filters;
        long flops = 2L * out.size() * kh * kw * current.channels();
        return add(new ResolvedLayer(spec, current, out, rows, cols, params, flops));
    }

    NetBuilder pool(String name, LayerSpec.PoolKind kind, int size, int stride, Padding mode, int padding) {
        int s = stride == 0 ? size : stride;
        Axis rows = axis(current.height(), size, s, mode, padding);
        Axis cols = axis(current.width(), size, s, mode, padding);
        var spec = new LayerSpec.PoolSpec(name, Set.of(), kind, size, stride, padding, mode, true);
        return add(new ResolvedLayer(spec, current, Shape.spatial(current.channels(), rows.out(), cols.out()), rows, cols, 0, 0));
    }

    NetBuilder globalAvgPool(String name) {
        Axis rows = new Axis(current.height(), current.height(), 1, 0, 0, 1);
        Axis cols = new Axis(current.width(), current.width(), 1, 0, 0, 1);
        var spec = new LayerSpec.GlobalAvgPoolSpec(name, Set.of());
        return add(new ResolvedLayer(spec, current, Shape.spatial(current.channels(), 1, 1), rows, cols, 0, 0));
    }

    NetBuilder dense(String name, int units, Activation act) {
        return dense(name, units, act, GLOROT, 0, true);
    }

    NetBuilder dense(String name, int units, Activation act, InitSpec init, double l2, boolean trainable) {
        var spec = new LayerSpec.DenseSpec(name, Set.of(), units, act, init, l2, trainable);
        long in = current.size();
        return add(new ResolvedLayer(spec, current, Shape.vector(units), null, null, in * units + units, 2 * in * units));
    }

    NetBuilder dropout(String name, double rate) {
        return add(new ResolvedLayer(new LayerSpec.DropoutSpec(name, Set.of(), rate), current, current, null, null, 0, 0));
    }

    NetworkModel build() {
        return new NetworkModel(PACKAGE, className, className + "Model", input, layers);
    }

    private NetBuilder add(ResolvedLayer layer) {
        layers.add(layer);
        current = layer.output();
        return this;
    }

    /** TensorFlow's SAME and VALID, PyTorch's explicit padding with flooring. */
    static Axis axis(int in, int k, int stride, Padding mode, int padding) {
        return switch (mode) {
            case SAME -> {
                int out = (in + stride - 1) / stride;
                int total = Math.max((out - 1) * stride + k - in, 0);
                yield new Axis(in, k, stride, total / 2, total - total / 2, out);
            }
            case VALID -> new Axis(in, k, stride, 0, 0, (in - k) / stride + 1);
            case EXPLICIT -> new Axis(in, k, stride, padding, padding, (in + 2 * padding - k) / stride + 1);
        };
    }
}
