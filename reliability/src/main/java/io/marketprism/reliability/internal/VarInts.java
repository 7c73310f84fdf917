package io.marketprism.reliability.internal;

import java.io.DataInput;
import java.io.IOException;

/** Reads the unsigned variable-length numbers {@link ByteSink#writeVarLong} writes. */
public final class VarInts {

    private VarInts() {
    }

    /** The next number; throws IllegalArgumentException when it runs over 10 bytes. */
    public static long read(DataInput in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("malformed variable-length number");
    }

    /** The next number, which must lie in [0, {@code max}]; throws IllegalArgumentException otherwise. */
    public static int readInt(DataInput in, int max) throws IOException {
        long value = read(in);
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("number " + value + " outside [0, " + max + "]");
        }
        return (int) value;
    }
}
