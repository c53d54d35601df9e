package dev.kiln.processor.generate;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.kiln.processor.model.LayerSpec;
import dev.kiln.processor.model.Shape;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * What a generated model tells about its layers: the {@code LAYERS} constant (name, kind, output
 * shape, description of each) and the workspace's {@code layerOutput(int)}, which names the array
 * holding a layer's output after an inference pass, so that {@code Model.activations} can read it.
 */
final class LayerList {
    private LayerList() {}

    static final String CONSTANT = "LAYERS";

    static FieldSpec constant(List<LayerEmitter> layers) {
        CodeBlock.Builder list = CodeBlock.builder().add("$T.of(", List.class).indent();
        for (int i = 0; i < layers.size(); i++) {
            LayerEmitter layer = layers.get(i);
            Shape out = layer.layer.output();
            list.add("\nnew $T($S, $T.$L, $L, $L, $L, $S)$L", RuntimeTypes.LAYER_INFO, layer.layer.name(),
                    RuntimeTypes.LAYER_KIND, kind(layer.layer.spec()), out.channels(), out.height(), out.width(),
                    layer.describe(), i + 1 < layers.size() ? "," : "");
        }
        list.unindent().add(")");
        return FieldSpec.builder(ParameterizedTypeName.get(ClassName.get(List.class), RuntimeTypes.LAYER_INFO), CONSTANT,
                        Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Every layer with its kind and output shape (C x H x W; a dense layer's is units x 1 x 1).\n")
                .initializer(list.build())
                .build();
    }

    /** The workspace's override that returns the array holding layer {@code layer}'s inference output. */
    static MethodSpec layerOutput(List<LayerEmitter> layers) {
        CodeBlock.Builder cases = CodeBlock.builder().add("return switch (layer) {\n").indent();
        for (int i = 0; i < layers.size(); i++) {
            cases.add("case $L -> $N;\n", i, inferenceOutput(layers, i));
        }
        cases.add("default -> throw new $T(\"layer \" + layer + \" of $L\");\n", IndexOutOfBoundsException.class, layers.size())
                .unindent().add("};\n");
        return MethodSpec.methodBuilder("layerOutput")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PROTECTED)
                .returns(ArrayTypeName.of(TypeName.FLOAT))
                .addParameter(TypeName.INT, "layer")
                .addCode(cases.build())
                .build();
    }

    /**
     * The workspace field holding layer {@code i}'s output at inference: its own, except for a
     * dropout layer that passes on its input as is (one that reads the model's input copies it).
     */
    private static String inferenceOutput(List<LayerEmitter> layers, int i) {
        LayerEmitter layer = layers.get(i);
        if (layer instanceof DropoutEmitter && i > 0) {
            return inferenceOutput(layers, i - 1);
        }
        return layer.out;
    }

    private static String kind(LayerSpec spec) {
        return switch (spec) {
            case LayerSpec.ConvSpec c -> "CONV";
            case LayerSpec.PoolSpec p -> p.pool() == LayerSpec.PoolKind.MAX ? "MAX_POOL" : "AVG_POOL";
            case LayerSpec.GlobalAvgPoolSpec g -> "GLOBAL_AVG_POOL";
            case LayerSpec.DenseSpec d -> "DENSE";
            case LayerSpec.DropoutSpec d -> "DROPOUT";
        };
    }
}
