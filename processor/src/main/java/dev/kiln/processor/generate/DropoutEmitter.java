package dev.kiln.processor.generate;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.processor.model.LayerSpec.DropoutSpec;
import dev.kiln.processor.model.ResolvedLayer;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Inverted dropout: in training, values are kept with probability 1 - rate and scaled by
 * 1 / (1 - rate), the mask kept for backward; at inference the next layer reads the input as is.
 */
final class DropoutEmitter extends LayerEmitter {
    private final DropoutSpec spec;
    private final String rate;
    private final String size;
    private final String mask;
    /** The forward pass's local that names whichever array the next layer reads. */
    private final String local;

    DropoutEmitter(ResolvedLayer layer, int index, Names names) {
        super(layer, index, names);
        this.spec = (DropoutSpec) layer.spec();
        this.rate = names.constant(layer.name(), "_RATE");
        this.size = names.constant(layer.name(), "_SIZE");
        this.mask = names.member(layer.name() + "Mask");
        this.local = names.member(layer.name() + "Out");
    }

    @Override
    String describe() {
        return layer.name() + ": " + layer.output() + ", dropout " + spec.rate() + " (identity at inference)";
    }

    @Override
    String fingerprint() {
        return layer.name() + " Dropout(" + spec.rate() + ") " + layer.output();
    }

    @Override
    void addConstants(TypeSpec.Builder type) {
        type.addField(FieldSpec.builder(TypeName.FLOAT, rate, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("$L: the probability of dropping each value.\n", layer.name())
                .initializer("$Lf", (float) spec.rate())
                .build());
        type.addField(FieldSpec.builder(TypeName.INT, size, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("$L: values per example ($L).\n", layer.name(), layer.output())
                .initializer("$L", layer.output().size())
                .build());
    }

    @Override
    List<Buffer> buffers() {
        List<Buffer> buffers = new ArrayList<>();
        buffers.add(new Buffer(Buffer.FLOATS, out, size, "output of " + layer.name() + " in training"));
        buffers.add(new Buffer(Buffer.FLOATS, mask, size, "mask of " + layer.name() + ": 0 or 1 / (1 - rate)"));
        if (runsBackward) {
            buffers.add(new Buffer(Buffer.FLOATS, dOut, size, "gradient of the output of " + layer.name()));
        }
        return buffers;
    }

    @Override
    Step forward() {
        if (in.base() != null) {
            // The model's input, at an offset the next layer does not know: copy it at inference.
            return Step.wholeChunk(CodeBlock.builder()
                    .beginControlFlow("if (training)")
                    .addStatement("$T.forward($N, seed(), step(), first, rows, $N,\n$L, $L,\nws.$N, ws.$N)",
                            RuntimeTypes.DROPOUT_MASK, rate, size, in.forwardArray(), in.start(), out, mask)
                    .nextControlFlow("else")
                    .addStatement("System.arraycopy($L, $L, ws.$N, 0, rows * $N)", in.forwardArray(), in.start(), out, size)
                    .endControlFlow()
                    .build());
        }
        return Step.wholeChunk(CodeBlock.builder()
                .addStatement("float[] $N = $L", local, in.forwardArray())
                .beginControlFlow("if (training)")
                .addStatement("$T.forward($N, seed(), step(), first, rows, $N,\n$L, $L,\nws.$N, ws.$N)",
                        RuntimeTypes.DROPOUT_MASK, rate, size, in.forwardArray(), in.start(), out, mask)
                .addStatement("$N = ws.$N", local, out)
                .endControlFlow()
                .build());
    }

    @Override
    String forwardOutput() {
        return in.base() != null ? "ws." + out : local;
    }

    @Override
    Step backward() {
        if (!inputGradient()) {
            return Step.none();
        }
        return Step.wholeChunk(CodeBlock.of("$T.backward(rows * $N, ws.$N, ws.$N, $L);\n", RuntimeTypes.DROPOUT_MASK, size, dOut, mask, in.grad()));
    }
}
