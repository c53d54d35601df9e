package dev.kiln.processor.generate;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.dsl.Activation;
import dev.kiln.processor.model.ResolvedLayer;
import java.util.List;

/**
 * Emits one layer: its constants, parameters, workspace buffers, and its forward and backward
 * steps. Each kind of layer has its own subclass; {@link ModelClassGenerator} wires them together.
 */
abstract class LayerEmitter {
    final ResolvedLayer layer;
    /** The layer's position in declaration order; also selects its initialisation stream. */
    final int index;
    /** The workspace field that holds this layer's output, NHWC per example. */
    final String out;
    /** The workspace field that holds the gradient of the loss with respect to {@link #out}. */
    final String dOut;

    /**
     * The forward pass's example variable for a layer's output that only the next layer, in the
     * same loop over examples, reads: {@code r} in training, whose backward pass reads every
     * example's, and in a prediction 0, or r - r0 where the loop runs groups of examples through
     * a layer at a time ({@link PassWriter}): each group's outputs are read before the next
     * group's are written and so stay in cache (a chunk of 128 pytorch-mnist conv1 outputs is 11 MB).
     */
    static final String SLOT = "slot";

    /**
     * The forward pass's example variable for a layer's output that only the next layer, in the
     * same loop over examples, reads, and that the backward pass does not read either: a
     * convolution whose pooling applies its ReLU backward, or that has none. Training, which runs
     * one example at a time, then writes every example at the same place, 0, as a prediction does
     * (or r - r0 in a group): the output stays in cache for the pooling instead of going out to
     * memory, 100 KB an example for tf-mnist's conv1.
     */
    static final String SCRATCH = "scratch";

    /** What the layer reads; set by the generator once all layers are named. */
    Tensor in;
    /** The example variable the forward pass writes this layer's output at: "r", {@link #SLOT} or {@link #SCRATCH}; set by the generator. */
    String forwardRow = "r";
    /** Whether backward reaches this layer (some layer at or before it has trainable parameters). */
    boolean runsBackward;

    LayerEmitter(ResolvedLayer layer, int index, Names names) {
        this.layer = layer;
        this.index = index;
        this.out = names.member(layer.name());
        this.dOut = names.member("d" + Names.capitalize(layer.name()));
    }

    /** Whether this layer has parameters that are trained. */
    boolean trainable() {
        return false;
    }

    /** Whether backward must produce the gradient with respect to this layer's input. */
    boolean inputGradient() {
        return in.grad() != null;
    }

    /** The comment above the layer's step: "conv1: 1x28x28 -> 32x28x28, 5x5 stride 1 SAME, ReLU". */
    abstract String describe();

    /** The layer's part of the architecture fingerprint. */
    abstract String fingerprint();

    void addConstants(TypeSpec.Builder type) {}

    List<WeightedEmitter.Param> parameters() {
        return List.of();
    }

    /** The layer's workspace arrays: its output, the gradient when backward reaches it, extras. */
    abstract List<Buffer> buffers();

    abstract Step forward();

    /** Whether {@link #forward} handles one example at a time (a loop over examples runs it). */
    boolean forwardPerExample() {
        return false;
    }

    /** The array the next layer reads in the forward pass. */
    String forwardOutput() {
        return "ws." + out;
    }

    /** The layer's backward step; {@link Step#none()} when it has nothing to do. */
    abstract Step backward();

    static String activationName(Activation act) {
        return switch (act) {
            case NONE -> "linear";
            case RELU -> "ReLU";
            case SIGMOID -> "sigmoid";
            case TANH -> "tanh";
        };
    }
}
