package io.marketprism.reliability.internal;

import java.io.DataOutput;
import java.io.UTFDataFormatException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A {@link DataOutput} into a growable byte array, writing the same bytes as a {@code DataOutputStream} over a
 * {@code ByteArrayOutputStream} but without per-byte calls and locks: snapshots are written on every engine call.
 * It can be emptied for reuse ({@link #reset}) or from the front ({@link #removeFirst}), and writes unsigned
 * variable-length numbers ({@link #writeVarLong}, read back by {@link VarInts#read}). Not thread-safe.
 */
public final class ByteSink implements DataOutput {

    private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] buffer;
    private int size;

    public ByteSink(int initialCapacity) {
        this.buffer = new byte[Math.max(16, initialCapacity)];
    }

    /** A copy of the bytes written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    /** How many bytes were written. */
    public int length() {
        return size;
    }

    /** Appends the bytes written here to {@code out}. */
    public void copyTo(ByteSink out) {
        out.write(buffer, 0, size);
    }

    /** Appends {@code length} of the bytes written here, from {@code offset} on, to {@code out}. */
    public void copyTo(ByteSink out, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IndexOutOfBoundsException(length + " bytes at " + offset + " outside the " + size + " written");
        }
        out.write(buffer, offset, length);
    }

    /** The byte written at {@code index}, which is below {@link #length()}. */
    public byte byteAt(int index) {
        return buffer[index];
    }

    /** Drops the first {@code count} bytes written; the rest move to the front. */
    public void removeFirst(int count) {
        System.arraycopy(buffer, count, buffer, 0, size - count);
        size -= count;
    }

    /** Empties the sink, keeping its buffer. */
    public void reset() {
        size = 0;
    }

    /** Writes {@code value} as an unsigned LEB128 number: 7 bits a byte, low bits first, 1 to 10 bytes. */
    public void writeVarLong(long value) {
        ensure(10);
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            buffer[size++] = (byte) ((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        buffer[size++] = (byte) rest;
    }

    @Override
    public void write(int b) {
        ensure(1);
        buffer[size++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes) {
        write(bytes, 0, bytes.length);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
    }

    @Override
    public void writeBoolean(boolean v) {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(int v) {
        write(v);
    }

    @Override
    public void writeShort(int v) {
        ensure(2);
        SHORTS.set(buffer, size, (short) v);
        size += 2;
    }

    @Override
    public void writeChar(int v) {
        writeShort(v);
    }

    @Override
    public void writeInt(int v) {
        ensure(4);
        INTS.set(buffer, size, v);
        size += 4;
    }

    @Override
    public void writeLong(long v) {
        ensure(8);
        LONGS.set(buffer, size, v);
        size += 8;
    }

    @Override
    public void writeFloat(float v) {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(double v) {
        writeLong(Double.doubleToLongBits(v));
    }

    @Override
    public void writeBytes(String s) {
        for (int i = 0; i < s.length(); i++) {
            write(s.charAt(i));
        }
    }

    @Override
    public void writeChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            writeChar(s.charAt(i));
        }
    }

    /** Modified UTF-8 with a two-byte length, as {@code DataOutputStream#writeUTF}. */
    @Override
    public void writeUTF(String s) throws UTFDataFormatException {
        int length = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            length += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
        }
        if (length > 65_535) {
            throw new UTFDataFormatException("encoded string too long: " + length + " bytes");
        }
        writeShort(length);
        ensure(length);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x0001 && c <= 0x007F) {
                buffer[size++] = (byte) c;
            } else if (c <= 0x07FF) {
                buffer[size++] = (byte) (0xC0 | (c >> 6));
                buffer[size++] = (byte) (0x80 | (c & 0x3F));
            } else {
                buffer[size++] = (byte) (0xE0 | (c >> 12));
                buffer[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buffer[size++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
