package dev.kiln.processor.generate;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.dsl.Activation;
import dev.kiln.processor.model.Axis;
import dev.kiln.processor.model.LayerSpec.ConvSpec;
import dev.kiln.processor.model.PytorchParameters;
import dev.kiln.processor.model.ResolvedLayer;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/** A convolution fused with its bias and activation, one example at a time. */
final class ConvEmitter extends WeightedEmitter {
    private final ConvSpec spec;
    /** The ConvGeometry constant. */
    private final String geometry;
    /**
     * The ConvGeometry training runs: {@link #geometry}, or where the next layer never reads the
     * last rows or columns of the output ({@link #trimTraining}), one with only those it reads.
     */
    private String trainingGeometry;
    /** The output rows and columns a training step computes, where trimmed; else 0. */
    private int trainingRows, trainingCols;

    ConvEmitter(ResolvedLayer layer, int index, Names names) {
        this(layer, index, names, (ConvSpec) layer.spec());
    }

    private ConvEmitter(ResolvedLayer layer, int index, Names names, ConvSpec spec) {
        super(layer, index, names, spec.activation(), spec.init(), spec.l2(), spec.trainable());
        this.spec = spec;
        this.geometry = names.constant(layer.name(), "");
        this.trainingGeometry = geometry;
    }

    /**
     * Has training compute only the first {@code rows} x {@code cols} outputs, the ones the next
     * layer reads (a pooling whose windows floor away the last row or column): the others reach
     * neither the loss nor, so, any gradient. Each example's output then has that size in
     * training; a prediction still computes every output, which {@code activations} returns.
     */
    void trimTraining(Names names, int rows, int cols) {
        trainingGeometry = names.constant(layer.name(), "_TRAINING");
        trainingRows = rows;
        trainingCols = cols;
    }

    @Override
    String describe() {
        return layer.name() + ": " + layer.input() + " -> " + layer.output() + ", "
                + spec.kernelHeight() + "x" + spec.kernelWidth() + " stride " + spec.stride() + " "
                + Padding.describe(spec.mode(), spec.padding(), layer.rows(), layer.cols()) + ", "
                + activationName(spec.activation()) + options();
    }

    @Override
    String fingerprint() {
        return layer.name() + " Conv(" + spec.filters() + ", " + spec.kernelHeight() + "x" + spec.kernelWidth()
                + ", stride " + spec.stride() + ", pad " + Padding.exact(layer.rows(), layer.cols()) + ", "
                + spec.activation().name().toLowerCase(java.util.Locale.ROOT) + ") " + layer.output();
    }

    @Override
    void addConstants(TypeSpec.Builder type) {
        Axis rows = layer.rows(), cols = layer.cols();
        addGeometry(type, geometry, CodeBlock.of("$L: $L -> $L. Arguments: inC, inH, inW, outC, kh, kw, stride, padTop, padLeft, outH, outW.\n",
                layer.name(), layer.input(), layer.output()), rows.out(), cols.out());
        if (!trainingGeometry.equals(geometry)) {
            addGeometry(type, trainingGeometry, CodeBlock.of("$L in training: the $Lx$L of its $Lx$L outputs the next layer reads; the others reach no gradient.\n",
                    layer.name(), trainingRows, trainingCols, rows.out(), cols.out()), trainingRows, trainingCols);
        }
    }

    /** A ConvGeometry constant {@code name} of this layer with {@code outH} x {@code outW} outputs. */
    private void addGeometry(TypeSpec.Builder type, String name, CodeBlock javadoc, int outH, int outW) {
        Axis rows = layer.rows(), cols = layer.cols();
        type.addField(FieldSpec.builder(RuntimeTypes.CONV_GEOMETRY, name, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc(javadoc)
                .initializer("new $T($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L)", RuntimeTypes.CONV_GEOMETRY,
                        layer.input().channels(), rows.in(), cols.in(), spec.filters(), rows.kernel(), cols.kernel(),
                        spec.stride(), rows.padBefore(), cols.padBefore(), outH, outW)
                .build());
    }

    @Override
    List<Buffer> buffers() {
        List<Buffer> buffers = new ArrayList<>();
        boolean groupOnly = forwardRow.equals(SCRATCH);
        String doc = "output of " + layer.name() + ", after its activation"
                + (groupOnly ? ", at a group of examples' places: only the pooling after it reads it" : "");
        buffers.add(new Buffer(Buffer.FLOATS, out, geometry + ".outSize()", doc, groupOnly ? Buffer.GROUP : Buffer.CHUNK));
        if (runsBackward) {
            buffers.add(new Buffer(Buffer.FLOATS, dOut, geometry + ".outSize()", "gradient of the output of " + layer.name()));
        }
        return buffers;
    }

    /**
     * Training runs the forward the backward pass differentiates; a prediction may run another
     * algorithm on a packed form of its own (larger Winograd tiles: fewer multiplications), and
     * hands the kernels as many examples at once as they ask for: a Winograd convolution with few
     * tiles an example then shares its blocks of tiles across examples. The loop runs a group of
     * examples, r0 to end - 1, through each layer in turn (see {@link PassWriter}), so at
     * (r - r0) % count == 0 the layers before this one have made the inputs of examples r onwards,
     * and the call reads and writes their places from r's on.
     */
    @Override
    Step forward() {
        String examples = out + "Examples";
        CodeBlock setup = CodeBlock.builder()
                .addStatement("int $L = training ? 1 : $N.inferenceExamples()", examples, packed)
                .build();
        return Step.eachGroup(setup, CodeBlock.builder()
                .beginControlFlow("if (training)")
                .addStatement(forwardCall("convForwardPacked", trainingGeometry, CodeBlock.of(""), CodeBlock.of("$N.values()", packed)))
                .nextControlFlow("else if ((r - r0) % $L == 0)", examples)
                .add("// examples r to r + $L - 1 (fewer at the group's end)\n", examples)
                .addStatement(forwardCall("convInferencePacked", geometry, CodeBlock.of(" Math.min($L, end - r),", examples),
                        CodeBlock.of("$N.values(), $N.inferenceValues()", packed, packed)))
                .endControlFlow()
                .build(), examples);
    }

    /**
     * One forward call on the kernels: {@code method} on {@code conv} (a ConvGeometry constant),
     * {@code count} (the examples argument, or nothing) before the input, the packed weights it
     * reads as {@code packedArgs}.
     */
    private CodeBlock forwardCall(String method, String conv, CodeBlock count, CodeBlock packedArgs) {
        return CodeBlock.of("kernels.$L($N, $T.$L,$L\n$L, $L,\n$N.value(), $L, $N.value(),\nws.$N, $L * $N.outSize())",
                method, conv, RuntimeTypes.ACTIVATION, spec.activation().name(), count,
                in.forwardArray(), in.forwardOffset(conv + ".inSize()"), weight, packedArgs, bias, out, forwardRow, conv);
    }

    @Override
    boolean forwardPerExample() {
        return true;
    }

    @Override
    Step backward() {
        CodeBlock activation = activationBackward("r * " + trainingGeometry + ".outSize()", trainingGeometry + ".outSize()");
        // Only a note when there is no activation or another layer's backward already applied it.
        boolean activationRuns = activation() != Activation.NONE && activationBackwardDoneBy == null;
        CodeBlock.Builder code = CodeBlock.builder();
        if (activationRuns || inputGradient()) {
            code.add(activation);
        }
        if (inputGradient()) {
            code.addStatement("kernels.convBackwardInputPacked($N,\nws.$N, r * $N.outSize(),\n$N.values(),\n$L, r * $N.inSize())",
                    trainingGeometry, dOut, trainingGeometry, packed, in.grad(), trainingGeometry);
        }
        if (!trainable()) {
            return Step.eachExample(code.build());
        }
        // The weight gradient takes the whole chunk in one call, after the loop has made every
        // example's output gradient: a kernel may then sum over examples before transforming back.
        CodeBlock.Builder weights = CodeBlock.builder()
                .add("\n// $L's weight gradient, over the chunk's examples\n", layer.name());
        if (!activationRuns && !inputGradient()) {
            weights.add(activation);
        }
        weights.addStatement("kernels.convBackwardWeights($N, rows,\n$L, $L,\nws.$N, 0,\n$N, $N)",
                trainingGeometry, in.backwardArray(), in.start(), dOut, dWeight, dBias);
        return Step.eachExample(gradientLocals(), code.build(), weights.build());
    }

    @Override
    int fanIn() {
        return Math.multiplyExact(Math.multiplyExact(layer.input().channels(), spec.kernelHeight()), spec.kernelWidth());
    }

    @Override
    int fanOut() {
        return Math.multiplyExact(Math.multiplyExact(spec.filters(), spec.kernelHeight()), spec.kernelWidth());
    }

    @Override
    int[] weightShape() {
        return PytorchParameters.weightShape(layer);
    }

    @Override
    CodeBlock weightLayout() {
        return CodeBlock.of("$T.conv($L)", RuntimeTypes.LAYOUTS, dims(weightShape()));
    }

    @Override
    int outputs() {
        return spec.filters();
    }

    /** The forward reads packed weights (a Winograd convolution's transformed kernel), and so does the input gradient. */
    @Override
    boolean packsWeight() {
        return true;
    }

    /**
     * Packed for the geometry training runs: what the kernels pack for a convolution's forward
     * pass and predictions depends on its kernel, channels, stride and padding, not on how many
     * outputs it has, while its input gradient's kernel may (see the kernels' packedConvSize).
     */
    @Override
    CodeBlock newPackedWeight() {
        return CodeBlock.of("$T.conv(kernels, $N, $N)", RuntimeTypes.PACKED_WEIGHT, weight, trainingGeometry);
    }

    @Override
    String packedUse() {
        return inputGradient() ? "its forward, predictions and input gradient" : "its forward and predictions";
    }

    @Override
    ClassName packedType() {
        return RuntimeTypes.PACKED_WEIGHT.nestedClass("Conv");
    }
}
