package dev.kiln.processor.generate;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Init;
import dev.kiln.processor.model.InitSpec;
import dev.kiln.processor.model.ResolvedLayer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** A layer with a weight and a bias (convolution, dense): their creation, initialisation and gradients. */
abstract class WeightedEmitter extends LayerEmitter {

    /** One parameter as the generated constructor creates it. */
    record Param(String field, String pytorchName, int[] shape, CodeBlock layout, boolean trainable, double l2) {}

    final String weight;
    final String bias;
    /** Locals in backward that name this layer's per-thread gradient buffers. */
    final String dWeight;
    final String dBias;
    /** The model's field with the weight packed for the kernels, when {@link #packsWeight()}. */
    final String packed;
    /** Index of the weight in the model's parameter list; the bias follows it. */
    int firstParam;
    /** Set when the max pool that follows applies this layer's ReLU backward to its smaller gradient. */
    String activationBackwardDoneBy;

    private final Activation activation;
    private final InitSpec init;
    private final double l2;
    private final boolean trainable;

    WeightedEmitter(ResolvedLayer layer, int index, Names names,
                    Activation activation, InitSpec init, double l2, boolean trainable) {
        super(layer, index, names);
        this.activation = activation;
        this.init = init;
        this.l2 = l2;
        this.trainable = trainable;
        this.weight = names.member(layer.name() + "Weight");
        this.bias = names.member(layer.name() + "Bias");
        this.dWeight = names.member("d" + Names.capitalize(layer.name()) + "Weight");
        this.dBias = names.member("d" + Names.capitalize(layer.name()) + "Bias");
        this.packed = names.member(layer.name() + "Packed");
    }

    Activation activation() {
        return activation;
    }

    InitSpec init() {
        return init;
    }

    double l2() {
        return l2;
    }

    boolean trainableFlag() {
        return trainable;
    }

    abstract int fanIn();

    abstract int fanOut();

    /** PyTorch's shape of the weight. */
    abstract int[] weightShape();

    /** The expression of the weight's PyTorch-to-internal permutation. */
    abstract CodeBlock weightLayout();

    abstract int outputs();

    /** Whether some kernel call of this layer reads the weight packed (then the model owns {@link #packed}). */
    abstract boolean packsWeight();

    /** The expression that allocates {@link #packed}: "PackedWeight.dense(kernels, fc1Weight, FC1_IN, FC1_OUT)". */
    abstract CodeBlock newPackedWeight();

    /** "fc1: which calls read it", for the field's Javadoc. */
    abstract String packedUse();

    /** The type of {@link #packed}. */
    ClassName packedType() {
        return RuntimeTypes.PACKED_WEIGHT;
    }

    @Override
    boolean trainable() {
        return trainableFlag();
    }

    @Override
    List<Param> parameters() {
        String name = layer.name();
        return List.of(
                new Param(weight, name + ".weight", weightShape(), weightLayout(), trainableFlag(), l2()),
                new Param(bias, name + ".bias", new int[] {outputs()}, CodeBlock.of("null"), trainableFlag(), l2()));
    }

    /** The statements that initialise the weight and the bias from the model's seed. */
    CodeBlock initialize() {
        InitSpec init = init();
        Init kind = init.weights() == Init.AUTO
                ? (activation() == Activation.RELU ? Init.HE : Init.GLOROT)
                : init.weights();
        CodeBlock random = CodeBlock.of("$T.random(seed, $L)", RuntimeTypes.INITIALIZERS, index);
        CodeBlock.Builder code = CodeBlock.builder();
        switch (kind) {
            case HE -> code.addStatement("$T.heNormal($N, $L, $L)", RuntimeTypes.INITIALIZERS, weight, fanIn(), random);
            case GLOROT -> code.addStatement("$T.glorotUniform($N, $L, $L, $L)",
                    RuntimeTypes.INITIALIZERS, weight, fanIn(), fanOut(), random);
            case NORMAL -> code.addStatement("$T.normal($N, $L, $L)", RuntimeTypes.INITIALIZERS, weight, init.stddev(), random);
            case TRUNCATED_NORMAL -> code.addStatement("$T.truncatedNormal($N, $L, $L)",
                    RuntimeTypes.INITIALIZERS, weight, init.stddev(), random);
            case AUTO -> throw new AssertionError("AUTO is resolved above");
        }
        code.addStatement("$T.constant($N, $L)", RuntimeTypes.INITIALIZERS, bias, init.bias());
        return code.build();
    }

    /** "float[] dConv1Weight = grads[0];" and the bias's. */
    CodeBlock gradientLocals() {
        return CodeBlock.builder()
                .addStatement("float[] $N = grads[$L]", dWeight, firstParam)
                .addStatement("float[] $N = grads[$L]", dBias, firstParam + 1)
                .build();
    }

    /**
     * The activation's backward over {@code length} values of dOut from {@code offset}, turning
     * them into the gradient of the pre-activation.
     */
    CodeBlock activationBackward(String offset, String length) {
        if (activation() == Activation.NONE) {
            return CodeBlock.of("");
        }
        if (activationBackwardDoneBy != null) {
            return CodeBlock.of("// ($L's backward already applied the $L backward to its gradient.)\n",
                    activationBackwardDoneBy, activationName(activation()));
        }
        return CodeBlock.builder()
                .addStatement("kernels.activationBackward($T.$L, ws.$N, ws.$N, $L, $L)",
                        RuntimeTypes.ACTIVATION, activation().name(), out, dOut, offset, length)
                .build();
    }

    /** ", frozen" / ", l2 0.01" for comments and the fingerprint's reader. */
    String options() {
        StringBuilder s = new StringBuilder();
        if (!trainableFlag()) {
            s.append(", frozen");
        }
        if (l2() != 0) {
            s.append(", L2 ").append(l2());
        }
        return s.toString();
    }

    static String dims(int[] shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    }
}
