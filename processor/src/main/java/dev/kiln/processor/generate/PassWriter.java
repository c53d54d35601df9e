package dev.kiln.processor.generate;

import com.palantir.javapoet.CodeBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes the layers' steps of one pass in order, each under its describing comment. Consecutive
 * per-example steps share one loop over the examples, so each example's activations go from one
 * layer to the next while they are still in the core's cache: a whole chunk of a first conv
 * layer's output (about 3 MB for 32 MNIST images) would go out to memory and come back.
 */
final class PassWriter {
    /**
     * A layer's step, with the layer's name and the comment that describes it; forwardRow the
     * example variable its forward output goes to, inputRow the one its input is read at: r or one
     * the loop then declares ({@link LayerEmitter#SLOT}, {@link LayerEmitter#SCRATCH}).
     */
    record Labelled(String layer, String comment, Step step, String forwardRow, String inputRow) {
        Labelled(String layer, String comment, Step step) {
            this(layer, comment, step, "r", "r");
        }

        /** Whether the step's code names the example variable row: it reads or writes there. */
        boolean uses(String row) {
            return forwardRow.equals(row) || inputRow.equals(row);
        }
    }

    /** Above the declaration of {@link LayerEmitter#SCRATCH} in a loop. */
    private static final CodeBlock SCRATCH_COMMENT = CodeBlock.builder()
            .add("// An output only the next layer reads, and backward does not, takes one place in training\n")
            .add("// too (a group's in a prediction), which stays in cache.\n")
            .build();

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
        List<Labelled> bodies = group.stream().filter(labelled -> !labelled.step().code().isEmpty()).toList();
        List<String> sizes = bodies.stream().map(labelled -> labelled.step().group()).filter(Objects::nonNull).toList();
        if (!sizes.isEmpty()) {
            code.add("// $L to $L, a group of examples at a time (one in training), each layer over the group in\n",
                            group.get(0).layer(), group.get(group.size() - 1).layer())
                    .add("// turn: each reads the last one's outputs from cache. A prediction keeps only the group's\n")
                    .add("// outputs, in the places of its first examples; training keeps every example's output\n")
                    .add("// that backward reads.\n");
        } else if (group.size() > 1) {
            code.add("// $L to $L, one example at a time: each layer reads the last one's output from cache\n",
                    group.get(0).layer(), group.get(group.size() - 1).layer());
        }
        for (Labelled labelled : group) {
            code.add(labelled.step().setup());
        }
        if (sizes.isEmpty()) {
            CodeBlock slotComment = CodeBlock.builder()
                    .add("// A prediction keeps only this loop's last output per example: the layers before it\n")
                    .add("// reuse example 0's place, which stays in cache. Training keeps them all for backward.\n")
                    .build();
            writeLoop(code, bodies, "0", "rows", places(bodies, slotComment, "0"));
        } else {
            writeGroupedLoops(code, bodies, sizes);
        }
        for (Labelled labelled : group) {
            code.add(labelled.step().after());
        }
        group.clear();
    }

    /**
     * The bodies as loops over groups of examples, r0 to end - 1: the group as large as the most
     * examples any of its layers takes at once (1 in training), each layer that may take several
     * starting a loop over the group of its own, so that the layers before it have made all the
     * group's inputs. A layer's output read in the loop goes to the place r - r0 in a prediction:
     * a chunk of 128 pytorch-mnist conv1 outputs is 11 MB, a group of 4 is 350 KB.
     */
    private static void writeGroupedLoops(CodeBlock.Builder code, List<Labelled> bodies, List<String> sizes) {
        CodeBlock size = CodeBlock.of("$L", sizes.get(sizes.size() - 1));
        for (int i = sizes.size() - 2; i >= 0; i--) {
            size = CodeBlock.of("Math.max($L, $L)", sizes.get(i), size);
        }
        code.beginControlFlow("for (int r0 = 0, group = $L; r0 < rows; r0 += group)", size)
                .addStatement("int end = Math.min(r0 + group, rows)");
        int from = 0;
        for (int i = 1; i <= bodies.size(); i++) {
            if (i == bodies.size() || bodies.get(i).step().group() != null) {
                code.add("\n");
                List<Labelled> loop = bodies.subList(from, i);
                writeLoop(code, loop, "r0", "end", places(loop, CodeBlock.of(""), "r - r0"));
                from = i;
            }
        }
        code.endControlFlow();
    }

    /**
     * A loop's declarations of the places its layers read their inputs or write their outputs at,
     * those it names: {@link LayerEmitter#SLOT} (every example's in training, under slotComment) and
     * {@link LayerEmitter#SCRATCH}, each at predictionPlace in a prediction ("0", or "r - r0" in a
     * group, which in training is 0 too). A loop of a group reads the last one's outputs at their
     * place, and needs it declared as well.
     */
    private static CodeBlock places(List<Labelled> loop, CodeBlock slotComment, String predictionPlace) {
        CodeBlock.Builder places = CodeBlock.builder();
        if (loop.stream().anyMatch(labelled -> labelled.uses(LayerEmitter.SLOT))) {
            places.add(slotComment).addStatement("int $L = training ? r : $L", LayerEmitter.SLOT, predictionPlace);
        }
        if (loop.stream().anyMatch(labelled -> labelled.uses(LayerEmitter.SCRATCH))) {
            places.add(SCRATCH_COMMENT).addStatement("int $L = $L", LayerEmitter.SCRATCH, predictionPlace);
        }
        return places.build();
    }

    /** One loop of r from first to the bound, over the bodies, each under its comment. */
    private static void writeLoop(CodeBlock.Builder code, List<Labelled> bodies, String first, String bound, CodeBlock slot) {
        if (bodies.isEmpty()) {
            return;
        }
        code.beginControlFlow("for (int r = $L; r < $L; r++)", first, bound);
        if (!slot.isEmpty()) {
            code.add(slot).add("\n");
        }
        for (int i = 0; i < bodies.size(); i++) {
            if (i > 0) {
                code.add("\n");
            }
            code.add("// $L\n", bodies.get(i).comment()).add(bodies.get(i).step().code());
        }
        code.endControlFlow();
    }

    /** A blank line before a step that follows another. */
    private static void separate(CodeBlock.Builder code) {
        if (!code.isEmpty()) {
            code.add("\n");
        }
    }
}
