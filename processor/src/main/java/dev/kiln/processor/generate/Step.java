package dev.kiln.processor.generate;

import com.palantir.javapoet.CodeBlock;

/**
 * One layer's part of a forward or backward pass: statements over the whole chunk at once, or a
 * body that handles example {@code r} alone and runs inside a loop over the chunk's examples.
 *
 * @param setup statements a per-example body needs once, before the loop (locals it reads)
 * @param after statements over the whole chunk once the loop has run (a sum over its examples)
 * @param group null, or the local (declared in setup) holding how many examples a prediction's
 *              body handles at once: the loop then runs groups of examples, {@code r0} to
 *              {@code end - 1}, through each such layer and the ones after it in turn
 */
record Step(CodeBlock setup, CodeBlock code, CodeBlock after, boolean perExample, String group) {

    /** Statements that see the whole chunk ({@code rows} examples), e.g. a dense layer's GEMM. */
    static Step wholeChunk(CodeBlock code) {
        return new Step(CodeBlock.of(""), code, CodeBlock.of(""), false, null);
    }

    /** Statements for example {@code r} only, e.g. a convolution of one image. */
    static Step eachExample(CodeBlock body) {
        return eachExample(CodeBlock.of(""), body, CodeBlock.of(""));
    }

    /** As above, with statements to run once before the loop and once after it. */
    static Step eachExample(CodeBlock setup, CodeBlock body, CodeBlock after) {
        return new Step(setup, body, after, true, null);
    }

    /** A body for examples {@code r} to {@code r + group - 1} when r - r0 is a multiple of group, declared by setup. */
    static Step eachGroup(CodeBlock setup, CodeBlock body, String group) {
        return new Step(setup, body, CodeBlock.of(""), true, group);
    }

    static Step none() {
        return wholeChunk(CodeBlock.of(""));
    }

    boolean isEmpty() {
        return code.isEmpty() && after.isEmpty();
    }
}
