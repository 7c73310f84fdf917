package io.marketprism.reliability.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ByteSinkTest {

    @Property(tries = 300)
    void shouldWriteTheSameBytesAsADataOutputStream(@ForAll long number, @ForAll int integer, @ForAll short small,
                                                    @ForAll double decimal, @ForAll boolean flag,
                                                    @ForAll String text) throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (DataOutputStream stream = new DataOutputStream(expected)) {
            writeAll(stream, number, integer, small, decimal, flag, text);
        }
        ByteSink sink = new ByteSink(1);

        writeAll(sink, number, integer, small, decimal, flag, text);

        assertThat(sink.toByteArray()).isEqualTo(expected.toByteArray());
    }

    private static void writeAll(DataOutput out, long number, int integer, short small, double decimal, boolean flag,
                                 String text) throws IOException {
        out.writeLong(number);
        out.writeInt(integer);
        out.writeShort(small);
        out.writeByte(integer);
        out.writeDouble(decimal);
        out.writeFloat((float) decimal);
        out.writeBoolean(flag);
        out.writeUTF(text);
        out.writeChars(text);
        out.write(new byte[] {1, 2, 3}, 1, 2);
    }

    @Property(tries = 300)
    void shouldReadBackVariableLengthNumbers(@ForAll long first, @ForAll int second, @ForAll byte third)
            throws IOException {
        ByteSink sink = new ByteSink(1);

        sink.writeVarLong(first);
        sink.writeVarLong(second);
        sink.writeVarLong(third & 0xFF);

        DataInputStream in = new DataInputStream(new ByteArrayInputStream(sink.toByteArray()));
        assertThat(VarInts.read(in)).isEqualTo(first);
        assertThat(VarInts.read(in)).isEqualTo(second);
        assertThat(VarInts.read(in)).isEqualTo(third & 0xFF);
        assertThat(in.available()).isZero();
        assertThat(sink.length()).isLessThanOrEqualTo(10 + 10 + 2);
    }

    @Test
    void shouldDropTheFirstBytesAndCopyTheRest() {
        ByteSink sink = new ByteSink(1);
        sink.write(new byte[] {1, 2, 3, 4, 5});
        ByteSink copy = new ByteSink(1);

        sink.removeFirst(2);
        sink.copyTo(copy, 1, 2);
        sink.writeByte(6);

        assertThat(sink.toByteArray()).containsExactly(3, 4, 5, 6);
        assertThat(copy.toByteArray()).containsExactly(4, 5);
        assertThat(sink.byteAt(0)).isEqualTo((byte) 3);
    }

    @Test
    void shouldStartEmptyAfterReset() {
        ByteSink sink = new ByteSink(1);
        sink.writeLong(42);

        sink.reset();
        sink.writeByte(7);

        assertThat(sink.toByteArray()).containsExactly(7);
    }
}
