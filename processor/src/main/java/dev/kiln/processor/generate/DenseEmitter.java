package dev.kiln.processor.generate;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.processor.model.LayerSpec.DenseSpec;
import dev.kiln.processor.model.PytorchParameters;
import dev.kiln.processor.model.ResolvedLayer;
import dev.kiln.processor.model.Shape;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * A dense layer fused with its bias and activation, over all rows of the chunk at once. A spatial
 * input is read in its NHWC order; the weight permutation maps that to PyTorch's (C, H, W) flatten.
 */
final class DenseEmitter extends WeightedEmitter {
    private final DenseSpec spec;
    private final String inSize;
    private final String outSize;

    DenseEmitter(ResolvedLayer layer, int index, Names names) {
        this(layer, index, names, (DenseSpec) layer.spec());
    }

    private DenseEmitter(ResolvedLayer layer, int index, Names names, DenseSpec spec) {
        super(layer, index, names, spec.activation(), spec.init(), spec.l2(), spec.trainable());
        this.spec = spec;
        this.inSize = names.constant(layer.name(), "_IN");
        this.outSize = names.constant(layer.name(), "_OUT");
    }

    @Override
    String describe() {
        Shape in = layer.input();
        String from = in.flat() ? in.toString() : in + " (flattened)";
        return layer.name() + ": " + from + " -> " + spec.units() + ", " + activationName(spec.activation()) + options();
    }

    @Override
    String fingerprint() {
        return layer.name() + " Dense(" + spec.units() + ", "
                + spec.activation().name().toLowerCase(java.util.Locale.ROOT) + ") " + layer.output();
    }

    @Override
    void addConstants(TypeSpec.Builder type) {
        type.addField(FieldSpec.builder(TypeName.INT, inSize, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("$L: inputs per example ($L).\n", layer.name(), layer.input())
                .initializer("$L", layer.input().size())
                .build());
        type.addField(FieldSpec.builder(TypeName.INT, outSize, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("$L: outputs per example.\n", layer.name())
                .initializer("$L", spec.units())
                .build());
    }

    @Override
    List<Buffer> buffers() {
        List<Buffer> buffers = new ArrayList<>();
        buffers.add(new Buffer(Buffer.FLOATS, out, outSize, "output of " + layer.name() + ", after its activation"));
        if (runsBackward) {
            buffers.add(new Buffer(Buffer.FLOATS, dOut, outSize, "gradient of the output of " + layer.name()));
        }
        return buffers;
    }

    @Override
    Step forward() {
        // Through the model, which may share a large layer among its threads in a training step.
        return Step.wholeChunk(CodeBlock.of("denseForward($N, training, rows, first, $N, $N, $T.$L,\n$>$>$L, $L,\n$N.value(),\nws.$N, 0$<$<);\n",
                packed, inSize, outSize, RuntimeTypes.ACTIVATION, spec.activation().name(),
                in.forwardArray(), in.start(), bias, out));
    }

    @Override
    Step backward() {
        CodeBlock.Builder code = CodeBlock.builder().add(activationBackward("0", "rows * " + outSize));
        if (trainable()) {
            code.add(gradientLocals());
            // Through the model, which may share a large layer's weight gradient among its threads.
            code.addStatement("denseWeightGradients($N, rows, first, $N, $N,\n$L, $L,\nws.$N, 0,\n$N, $N)",
                    weight, inSize, outSize, in.backwardArray(), in.start(), dOut, dWeight, dBias);
        }
        if (inputGradient()) {
            code.addStatement("kernels.denseBackwardInput(rows, $N, $N,\nws.$N, 0,\n$N.value(),\n$L, 0)",
                    inSize, outSize, dOut, weight, in.grad());
        }
        return Step.wholeChunk(code.build());
    }

    @Override
    int fanIn() {
        return Math.toIntExact(layer.input().size());
    }

    @Override
    int fanOut() {
        return spec.units();
    }

    @Override
    int[] weightShape() {
        return PytorchParameters.weightShape(layer);
    }

    @Override
    CodeBlock weightLayout() {
        Shape in = layer.input();
        return CodeBlock.of("$T.dense($L, $L, $L, $L)", RuntimeTypes.LAYOUTS, spec.units(), in.channels(), in.height(), in.width());
    }

    @Override
    int outputs() {
        return spec.units();
    }

    @Override
    boolean packsWeight() {
        return true;
    }

    @Override
    CodeBlock newPackedWeight() {
        return CodeBlock.of("$T.dense(kernels, $N, $N, $N)", RuntimeTypes.PACKED_WEIGHT, weight, inSize, outSize);
    }

    /** Only the forward reads the packed copy: the input gradient runs on the weight itself. */
    @Override
    String packedUse() {
        return "its forward";
    }
}
