package io.marketprism.reliability.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

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
}
