package dev.kiln.runtime.data;

/**
 * The contents of an IDX file of unsigned bytes: its dimensions (the first is the item count) and
 * the bytes in row-major order.
 */
public record IdxArray(int[] dimensions, byte[] bytes) {

    public int count() {
        return dimensions[0];
    }

    /** Bytes per item: the product of every dimension but the first. */
    public int itemSize() {
        int size = 1;
        for (int i = 1; i < dimensions.length; i++) {
            size *= dimensions[i];
        }
        return size;
    }
}
