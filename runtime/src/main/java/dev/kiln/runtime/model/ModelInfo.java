package dev.kiln.runtime.model;

/**
 * The constant facts of a generated model that {@link AbstractModel} needs: its name, the
 * architecture fingerprint, the summary table and the shapes at both ends.
 *
 * @param name          the annotated class's simple name
 * @param architecture  the one-line fingerprint returned by {@link Model#architecture()}
 * @param summary       the table returned by {@link Model#summary()}
 * @param forwardFlops  forward FLOPs per example, 2 per multiply-add
 */
public record ModelInfo(
        String name,
        String architecture,
        String summary,
        int inputChannels,
        int inputHeight,
        int inputWidth,
        int classes,
        long forwardFlops) {

    /** Values per example in the public (C, H, W) layout. */
    public int inputSize() {
        return inputChannels * inputHeight * inputWidth;
    }
}
