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
            ArraySize weights = ArraySize.product(conv.filters(), input.channels(), rows.kernel(), cols.kernel());
            if (!weights.fits()) {
                return tooManyWeights(index, spec, weights, conv.filters(), input.channels(), rows.kernel(), cols.kernel());
            }
            // Below 2 * 2^31 * 2^31 / filters, since the output and the weight each fit an array.
            long flops = Math.multiplyExact(Math.multiplyExact(2L, (long) rows.out() * cols.out()), weights.asLong());
            return new Step(new ResolvedLayer(spec, input, output, rows, cols,
                    Math.addExact(weights.asLong(), conv.filters()), flops), outcome.diagnostics());
        }
        Shape output = Shape.spatial(input.channels(), rows.out(), cols.out());
        return new Step(new ResolvedLayer(spec, input, output, rows, cols, 0, 0), outcome.diagnostics());
    }

    private static Step dense(int index, DenseSpec dense, Shape input) {
        long in = input.size();
        ArraySize weights = ArraySize.product(dense.units(), in);
        if (!weights.fits()) {
            return tooManyWeights(index, dense, weights, dense.units(), in);
        }
        ArraySize packed = packedDenseSize(in, dense.units());
        if (!packed.fits()) {
            return new Step(null, List.of(Diagnostic.of(Message.PACKED_WEIGHTS_TOO_LARGE, index, "units", List.of(),
                    dense.name(), pytorchShape(dense.units(), in), weights.grouped(), packed.grouped(),
                    ArraySize.limit())));
        }
        return ok(new ResolvedLayer(dense, input, Shape.vector(dense.units()), null, null,
                Math.addExact(weights.asLong(), dense.units()), Math.multiplyExact(2, weights.asLong())));
    }

    /**
     * The widest vector the Vector API may choose, in floats: 2048 bits, SVE's largest. Bounds the
     * rounding of {@link #packedDenseSize}, whatever machine the model later runs on.
     */
    private static final long WIDEST_VECTOR_FLOATS = 64;

    /**
     * The most values of the one array the kernels read a dense weight from, packed: the weight
     * and its transpose, each row rounded up to a whole vector (the runtime's PackedDense).
     */
    private static ArraySize packedDenseSize(long in, long out) {
        long outRounded = Math.ceilDiv(out, WIDEST_VECTOR_FLOATS) * WIDEST_VECTOR_FLOATS;
        long inRounded = Math.ceilDiv(in, WIDEST_VECTOR_FLOATS) * WIDEST_VECTOR_FLOATS;
        return ArraySize.product(in, outRounded).plus(ArraySize.product(out, inRounded));
    }

    private static Step spatialAfterFlat(int index, LayerSpec spec, Shape input, String previous) {
        return new Step(null, List.of(Diagnostic.of(Message.SPATIAL_AFTER_FLAT, index, null,
                List.of("help: put the @" + spec.kind() + " layers before the first @Dense layer"),
                spec.name(), spec.kind(), previous, input.channels())));
    }

    /** {@code shape} is the weight's PyTorch shape: [filters, in channels, kh, kw] or [units, inputs]. */
    private static Step tooManyWeights(int index, LayerSpec spec, ArraySize weights, long... shape) {
        return new Step(null, List.of(Diagnostic.of(Message.WEIGHTS_TOO_LARGE, index, null, List.of(),
                spec.name(), pytorchShape(shape), weights.grouped(), ArraySize.limit())));
    }

    /** "[64, 3, 7, 7]". */
    private static String pytorchShape(long... shape) {
        return java.util.Arrays.toString(shape);
    }

    private static Step ok(ResolvedLayer layer) {
        return new Step(layer, List.of());
    }
}
