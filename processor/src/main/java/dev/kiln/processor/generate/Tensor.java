package dev.kiln.processor.generate;

/**
 * How generated code refers to the tensor a layer reads.
 *
 * @param forwardArray  the array in the forward pass (a local when it comes out of a dropout)
 * @param backwardArray the array in the backward pass (always the training-time buffer)
 * @param base          the offset of the chunk's first example: "xOff" for the model input, null for workspace buffers
 * @param grad          the buffer that receives the gradient with respect to it, or null when none is needed
 * @param forwardRow    the variable whose example the forward pass finds it at: {@code r}, or
 *                      {@link LayerEmitter#SLOT} where a prediction reuses one example's place
 */
record Tensor(String forwardArray, String backwardArray, String base, String grad, String forwardRow) {

    /** The offset of example {@code r} when each example has {@code size} values. */
    String offset(String size) {
        return offset("r", size);
    }

    /** Where the forward pass reads example {@code r}, when each example has {@code size} values. */
    String forwardOffset(String size) {
        return offset(forwardRow, size);
    }

    /** The offset of the example the variable {@code row} names. */
    private String offset(String row, String size) {
        return base == null ? row + " * " + size : base + " + " + row + " * " + size;
    }

    /** The same tensor, found by the forward pass at the example {@code row} names. */
    Tensor atForwardRow(String row) {
        return new Tensor(forwardArray, backwardArray, base, grad, row);
    }

    /** The offset of the chunk's first example. */
    String start() {
        return base == null ? "0" : base;
    }
}
