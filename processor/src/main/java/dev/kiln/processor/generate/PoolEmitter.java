package dev.kiln.processor.generate;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.dsl.Activation;
import dev.kiln.processor.model.Axis;
import dev.kiln.processor.model.LayerSpec.GlobalAvgPoolSpec;
import dev.kiln.processor.model.LayerSpec.PoolKind;
import dev.kiln.processor.model.LayerSpec.PoolSpec;
import dev.kiln.processor.model.ResolvedLayer;
import dev.kiln.processor.model.Shape;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Max, average and global average pooling, one example at a time. Max pooling records the
 * winning input index of each output for backward; a global pool is an average over a window of
 * the whole input.
 */
final class PoolEmitter extends LayerEmitter {
    private final boolean max;
    private final String geometry;
    /**
     * The PoolGeometry training runs: {@link #geometry}, or where the windows never reach the
     * input's last rows or columns and the layer before computes only the ones they read in
     * training ({@link #trimTraining}), one with that input.
     */
    private String trainingGeometry;
    /** Where trimmed, the forward pass's local holding the geometry it runs (training's or a prediction's). */
    private String forwardGeometry;
    private final String argmax;
    /**
     * The ReLU layer this max pool reads, when the pool applies that ReLU's backward (null if not).
     * Max pooling hands each output gradient to one input cell whose value equals the pooled
     * output, so masking by the pooled output (y <= 0 gives 0) is exactly masking by that cell,
     * and it reads a quarter of the values (for 2x2) instead of the whole layer output.
     */
    private WeightedEmitter fusedRelu;

    PoolEmitter(ResolvedLayer layer, int index, Names names) {
        super(layer, index, names);
        this.max = layer.spec() instanceof PoolSpec p && p.pool() == PoolKind.MAX;
        this.geometry = names.constant(layer.name(), "");
        this.trainingGeometry = geometry;
        this.argmax = max ? names.member(layer.name() + "Argmax") : null;
    }

    /**
     * The input rows the windows read, from the first: all of them, or fewer where the windows
     * floor away the last ones (a 2x2 window of stride 2 over 11 rows reads 10).
     */
    int rowsRead() {
        return read(layer.rows(), layer.input().height());
    }

    /** As {@link #rowsRead}, the input columns. */
    int colsRead() {
        return read(layer.cols(), layer.input().width());
    }

    private static int read(Axis axis, int in) {
        return axis == null ? in : Math.min(in, (axis.out() - 1) * axis.stride() + axis.kernel() - axis.padBefore());
    }

    /** Training pools an input of {@link #rowsRead} x {@link #colsRead}, where that is less than the whole. */
    void trimTraining(Names names) {
        trainingGeometry = names.constant(layer.name(), "_TRAINING");
        forwardGeometry = names.member(layer.name() + "Geometry");
    }

    private int kh() {
        return layer.rows() == null ? layer.input().height() : layer.rows().kernel();
    }

    private int kw() {
        return layer.cols() == null ? layer.input().width() : layer.cols().kernel();
    }

    private String window() {
        return switch (layer.spec()) {
            case PoolSpec p -> (max ? "max " : "average ") + kh() + "x" + kw() + " stride " + p.effectiveStride() + " "
                    + Padding.describe(p.mode(), p.padding(), layer.rows(), layer.cols());
            case GlobalAvgPoolSpec g -> "global average";
            default -> throw new IllegalStateException("not a pooling layer: " + layer.spec().kind());
        };
    }

    @Override
    String describe() {
        return layer.name() + ": " + layer.input() + " -> " + layer.output() + ", " + window();
    }

    @Override
    String fingerprint() {
        String pad = layer.rows() == null ? "0/0x0/0" : Padding.exact(layer.rows(), layer.cols());
        return layer.name() + " " + layer.spec().kind() + "(" + kh() + "x" + kw() + ", stride " + stride()
                + ", pad " + pad + ") " + layer.output();
    }

    private int stride() {
        return layer.spec() instanceof PoolSpec p ? p.effectiveStride() : 1;
    }

    @Override
    void addConstants(TypeSpec.Builder type) {
        Shape in = layer.input();
        addGeometry(type, geometry, CodeBlock.of("$L: $L -> $L. Arguments: channels, inH, inW, kh, kw, stride, padTop, padLeft, outH, outW.\n",
                layer.name(), in, layer.output()), in.height(), in.width());
        if (trimmed()) {
            addGeometry(type, trainingGeometry, CodeBlock.of("$L in training: the same windows over the $Lx$L of its input they read, all that the layer before computes in training.\n",
                    layer.name(), rowsRead(), colsRead()), rowsRead(), colsRead());
        }
    }

    /** A PoolGeometry constant {@code name} of this layer's windows over an input of {@code inH} x {@code inW}. */
    private void addGeometry(TypeSpec.Builder type, String name, CodeBlock javadoc, int inH, int inW) {
        int padTop = layer.rows() == null ? 0 : layer.rows().padBefore();
        int padLeft = layer.cols() == null ? 0 : layer.cols().padBefore();
        int outH = layer.rows() == null ? 1 : layer.rows().out();
        int outW = layer.cols() == null ? 1 : layer.cols().out();
        type.addField(FieldSpec.builder(RuntimeTypes.POOL_GEOMETRY, name, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc(javadoc)
                .initializer("new $T($L, $L, $L, $L, $L, $L, $L, $L, $L, $L)", RuntimeTypes.POOL_GEOMETRY,
                        layer.input().channels(), inH, inW, kh(), kw(), stride(), padTop, padLeft, outH, outW)
                .build());
    }

    /** Whether training pools a trimmed input ({@link #trimTraining}). */
    private boolean trimmed() {
        return forwardGeometry != null;
    }

    @Override
    List<Buffer> buffers() {
        List<Buffer> buffers = new ArrayList<>();
        buffers.add(new Buffer(Buffer.FLOATS, out, geometry + ".outSize()", "output of " + layer.name()));
        if (max) {
            buffers.add(new Buffer(Buffer.INTS, argmax, geometry + ".outSize()",
                    "for each output of " + layer.name() + ", the input index that won"));
        }
        if (runsBackward) {
            buffers.add(new Buffer(Buffer.FLOATS, dOut, geometry + ".outSize()", "gradient of the output of " + layer.name()));
        }
        return buffers;
    }

    @Override
    Step forward() {
        String pool = geometry;
        CodeBlock setup = CodeBlock.of("");
        if (trimmed()) {
            pool = forwardGeometry;
            setup = CodeBlock.of("$T $L = training ? $N : $N;\n", RuntimeTypes.POOL_GEOMETRY, pool, trainingGeometry, geometry);
        }
        CodeBlock call = max
                // The winners' indices only where a backward pass will read them: a prediction pools values alone.
                ? CodeBlock.of("kernels.maxPoolForward($L,\n$>$>$L, $L,\nws.$N, $L * $L.outSize(),\ntraining ? ws.$N : null, r * $L.outSize()$<$<);\n",
                        pool, in.forwardArray(), in.forwardOffset(pool + ".inSize()"), out, forwardRow, pool, argmax, pool)
                : CodeBlock.of("kernels.avgPoolForward($L,\n$>$>$L, $L,\nws.$N, $L * $L.outSize()$<$<);\n",
                        pool, in.forwardArray(), in.forwardOffset(pool + ".inSize()"), out, forwardRow, pool);
        return Step.eachExample(setup, call, CodeBlock.of(""));
    }

    @Override
    boolean forwardPerExample() {
        return true;
    }

    /**
     * Takes over the ReLU backward of the layer this pool reads, when that is exact: a max pool,
     * a ReLU layer right before it, and a gradient to pass back.
     */
    void fuseActivationBackward(LayerEmitter previous) {
        if (max && inputGradient() && previous instanceof WeightedEmitter weighted
                && weighted.activation() == Activation.RELU) {
            fusedRelu = weighted;
            weighted.activationBackwardDoneBy = layer.name();
        }
    }

    @Override
    Step backward() {
        if (!inputGradient()) {
            return Step.none();   // no parameters: nothing to do unless an earlier layer needs the gradient
        }
        CodeBlock.Builder code = CodeBlock.builder();
        if (fusedRelu != null) {
            code.add("// $L's ReLU backward, on the pooled gradient: each one reaches a single cell equal to the pooled value\n",
                            fusedRelu.layer.name())
                    .addStatement("kernels.activationBackward($T.RELU, ws.$N, ws.$N, r * $N.outSize(), $N.outSize())",
                            RuntimeTypes.ACTIVATION, out, dOut, geometry, geometry);
        }
        CodeBlock call = max
                ? CodeBlock.of("kernels.maxPoolBackward($N,\n$>$>ws.$N, r * $N.outSize(),\nws.$N, r * $N.outSize(),\n$L, r * $N.inSize()$<$<);\n",
                        trainingGeometry, dOut, geometry, argmax, geometry, in.grad(), trainingGeometry)
                : CodeBlock.of("kernels.avgPoolBackward($N,\n$>$>ws.$N, r * $N.outSize(),\n$L, r * $N.inSize()$<$<);\n",
                        trainingGeometry, dOut, geometry, in.grad(), trainingGeometry);
        return Step.eachExample(code.add(call).build());
    }
}
