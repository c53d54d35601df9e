package dev.kiln.runtime.io;

import java.nio.ByteBuffer;

/**
 * The element types of the safetensors format, with their sizes. Kiln computes in float32: F32 is
 * read as is, and F16, BF16 and F64 are converted exactly as IEEE 754 says (F16 and BF16 widen
 * without loss, subnormals, infinities and NaN included; F64 rounds to nearest). The other types
 * are known only so that a file holding them is described correctly before it is refused.
 */
public enum SafetensorsDType {
    BOOL(1, false), U8(1, false), I8(1, false), F8_E5M2(1, false), F8_E4M3(1, false),
    I16(2, false), U16(2, false), F16(2, true), BF16(2, true),
    I32(4, false), U32(4, false), F32(4, true),
    I64(8, false), U64(8, false), F64(8, true);

    private final int bytes;
    private final boolean floating;

    SafetensorsDType(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether Kiln can read it as float32 (F32, or a conversion from F16, BF16, F64). */
    public boolean convertsToFloat() {
        return floating;
    }

    /** The dtype named {@code name} in a header, or null when the format defines none by that name. */
    static SafetensorsDType byName(String name) {
        for (SafetensorsDType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** Reads {@code count} little-endian elements from {@code in} into {@code out} from {@code at}; only for {@link #convertsToFloat()} types. */
    void toFloats(ByteBuffer in, float[] out, int at, int count) {
        switch (this) {
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = Float.intBitsToFloat(in.getInt());
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = Float.float16ToFloat(in.getShort());
                }
            }
            case BF16 -> {
                // bfloat16 is the upper half of a float32: shifting the bits back is exact.
                for (int i = 0; i < count; i++) {
                    out[at + i] = Float.intBitsToFloat((in.getShort() & 0xFFFF) << 16);
                }
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = (float) in.getDouble();
                }
            }
            default -> throw new IllegalStateException(this + " does not convert to float32");
        }
    }
}
