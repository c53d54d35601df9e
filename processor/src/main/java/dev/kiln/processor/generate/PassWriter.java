package dev.kiln.processor.generate;

import com.palantir.javapoet.CodeBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the layers' steps of one pass in order, each under its describing comment. Consecutive
 * per-example steps share one loop over the examples, so each example's activations go from one
 * layer to the next while they are still in the core's cache: a whole chunk of a first conv
 * layer's output (about 3 MB for 32 MNIST images) would go out to memory and come back.
 */
final class PassWriter {
    /**
     * A layer's step, with the layer's name and the comment that describes it; writesSlot when its
     * forward output goes to {@link LayerEmitter#SLOT}, which the loop then declares.
     */
    record Labelled(String layer, String comment, Step step, boolean writesSlot) {
        Labelled(String layer, String comment, Step step) {
            this(layer, comment, step, false);
        }
    }

    private PassWriter() {}

    static CodeBlock write(List<Labelled> steps) {
        CodeBlock.Builder code = CodeBlock.builder();
        List<Labelled> group = new ArrayList<>();
        for (Labelled labelled : steps) {
            if (labelled.step().isEmpty()) {
                continue;
            }
            if (labelled.step().perExample()) {
                group.add(labelled);
                continue;
            }
            writeGroup(code, group);
            separate(code);
            code.add("// $L\n", labelled.comment()).add(labelled.step().code());
        }
        writeGroup(code, group);
        return code.build();
    }

    /** Writes the pending per-example steps, if any, as one loop, and empties the group. */
    private static void writeGroup(CodeBlock.Builder code, List<Labelled> group) {
        if (group.isEmpty()) {
            return;
        }
        separate(code);
        if (group.size() > 1) {
            code.add("// $L to $L, one example at a time: each layer reads the last one's output from cache\n",
                    group.get(0).layer(), group.get(group.size() - 1).layer());
        }
        for (Labelled labelled : group) {
            code.add(labelled.step().setup());
        }
        List<Labelled> bodies = group.stream().filter(labelled -> !labelled.step().code().isEmpty()).toList();
        if (!bodies.isEmpty()) {
            code.beginControlFlow("for (int r = 0; r < rows; r++)");
            String examples = bodies.get(0).step().group();
            if (group.stream().anyMatch(Labelled::writesSlot) && examples == null) {
                code.add("// A prediction keeps only this loop's last output per example: the layers before it\n")
                        .add("// reuse example 0's place, which stays in cache. Training keeps them all for backward.\n")
                        .addStatement("int $L = training ? r : 0", LayerEmitter.SLOT)
                        .add("\n");
            } else if (group.stream().anyMatch(Labelled::writesSlot)) {
                // The first layer computes a group of examples at once (see Step.group).
                code.add("// A prediction keeps only the outputs of the $L examples $L computes at once: the\n",
                                examples, bodies.get(0).layer())
                        .add("// layers after it reuse their places, which stay in cache. Training keeps them all.\n")
                        .addStatement("int $L = training ? r : r % $L", LayerEmitter.SLOT, examples)
                        .add("\n");
            }
            for (int i = 0; i < bodies.size(); i++) {
                if (i > 0) {
                    code.add("\n");
                }
                code.add("// $L\n", bodies.get(i).comment()).add(bodies.get(i).step().code());
            }
            code.endControlFlow();
        }
        for (Labelled labelled : group) {
            code.add(labelled.step().after());
        }
        group.clear();
    }

    /** A blank line before a step that follows another. */
    private static void separate(CodeBlock.Builder code) {
        if (!code.isEmpty()) {
            code.add("\n");
        }
    }
}
