package dev.kiln.processor.check;

import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Message;
import dev.kiln.processor.model.Axis;
import dev.kiln.processor.model.LayerSpec;
import dev.kiln.processor.model.LayerSpec.ConvSpec;
import dev.kiln.processor.model.LayerSpec.DenseSpec;
import dev.kiln.processor.model.LayerSpec.DropoutSpec;
import dev.kiln.processor.model.LayerSpec.GlobalAvgPoolSpec;
import dev.kiln.processor.model.LayerSpec.PoolSpec;
import dev.kiln.processor.model.ResolvedLayer;
import dev.kiln.processor.model.Shape;
import java.util.List;
import java.util.Locale;

/**
 * One layer's shape step: from its input shape to its output shape, parameter count and forward
 * FLOPs (2 per multiply-add of convolutions and dense layers; pooling, dropout, biases and
 * activations count 0), or the error that stops inference at this layer.
 */
final class ShapeInference {

    /** The resolved layer, or null if {@code diagnostics} holds the error that stopped inference. */
    record Step(ResolvedLayer layer, List<Diagnostic> diagnostics) {}

    private ShapeInference() {}

    /** {@code previous} names the layer before (for messages), or null for the first. */
    static Step infer(int index, LayerSpec spec, Shape input, String previous) {
        return switch (spec) {
            case ConvSpec conv -> window(index, conv, input, previous);
            case PoolSpec pool -> window(index, pool, input, previous);
            case GlobalAvgPoolSpec global -> {
                if (input.flat()) {
                    yield spatialAfterFlat(index, spec, input, previous);
                }
                Axis rows = new Axis(input.height(), input.height(), 1, 0, 0, 1);
                Axis cols = new Axis(input.width(), input.width(), 1, 0, 0, 1);
                yield ok(new ResolvedLayer(spec, input, Shape.spatial(input.channels(), 1, 1), rows, cols, 0, 0));
            }
            case DenseSpec dense -> dense(index, dense, input);
            case DropoutSpec dropout -> ok(new ResolvedLayer(spec, input, input, null, null, 0, 0));
        };
    }

    private static Step window(int index, LayerSpec spec, Shape input, String previous) {
        if (input.flat()) {
            return spatialAfterFlat(index, spec, input, previous);
        }
        Window window = Window.of(spec);
        WindowCheck.Outcome outcome = WindowCheck.run(index, spec.name(), window, input);
        if (outcome.failed()) {
            return new Step(null, outcome.diagnostics());
        }
        Axis rows = outcome.rows();
        Axis cols = outcome.cols();
        if (spec instanceof ConvSpec conv) {
            Shape output = Shape.spatial(conv.filters(), rows.out(), cols.out());
            long weights = (long) rows.kernel() * cols.kernel() * input.channels() * conv.filters();
            if (weights > Integer.MAX_VALUE) {
                return tooManyWeights(index, spec, weights);
            }
            long flops = saturatingProduct(2, rows.out(), cols.out(), weights);
            return new Step(new ResolvedLayer(spec, input, output, rows, cols, weights + conv.filters(), flops),
                    outcome.diagnostics());
        }
        Shape output = Shape.spatial(input.channels(), rows.out(), cols.out());
        return new Step(new ResolvedLayer(spec, input, output, rows, cols, 0, 0), outcome.diagnostics());
    }

    private static Step dense(int index, DenseSpec dense, Shape input) {
        long weights = input.size() * dense.units();
        if (weights > Integer.MAX_VALUE) {
            return tooManyWeights(index, dense, weights);
        }
        return ok(new ResolvedLayer(dense, input, Shape.vector(dense.units()), null, null, weights + dense.units(),
                2 * weights));
    }

    private static Step spatialAfterFlat(int index, LayerSpec spec, Shape input, String previous) {
        return new Step(null, List.of(Diagnostic.of(Message.SPATIAL_AFTER_FLAT, index, null,
                List.of("help: put the @" + spec.kind() + " layers before the first @Dense layer"),
                spec.name(), spec.kind(), previous, input.channels())));
    }

    private static Step tooManyWeights(int index, LayerSpec spec, long weights) {
        return new Step(null, List.of(Diagnostic.of(Message.TENSOR_TOO_LARGE, index, null, List.of(),
                spec.name(), "weights", String.format(Locale.ROOT, "%,d", weights))));
    }

    private static Step ok(ResolvedLayer layer) {
        return new Step(layer, List.of());
    }

    private static long saturatingProduct(long... factors) {
        long product = 1;
        for (long factor : factors) {
            if (factor != 0 && product > Long.MAX_VALUE / factor) {
                return Long.MAX_VALUE;
            }
            product *= factor;
        }
        return product;
    }
}
