package io.marketprism.reliability.state;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.ResolvingDecoder;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The saved form of one kind of component state: an Avro record in single-object encoding (marker {@code C3 01},
 * the 8-byte little-endian CRC-64-AVRO fingerprint of the writer's schema, then the binary body), as the topics'
 * records are. Records are written and read with the coders Avro generates for them ({@code customEncode},
 * {@code customDecode}), so no class is looked up by name.
 *
 * <p>Encoding uses the current schema. Decoding accepts the current schema and every earlier one passed to the
 * constructor, resolved into the current record (when a schema changes, keep the released one as a resource and
 * pass it here). Bytes in no such schema, such as the hand-written binary formats of releases before this one,
 * damaged bytes and truncated ones are refused with an {@link UnreadableStateException}: the engine replaces such
 * state with fresh state. Thread-safe: each thread reuses its own encoder, decoders and buffer.
 *
 * @param <R> the generated record
 */
public final class StateFormat<R extends SpecificRecordBase> {

    private static final int HEADER_LENGTH = 10;
    private static final byte MARKER_FIRST = (byte) 0xC3;
    private static final byte MARKER_SECOND = (byte) 0x01;
    /** Encoders with a buffer that holds a typical saved state whole. */
    private static final EncoderFactory ENCODERS = new EncoderFactory().configureBufferSize(512);

    private final String name;
    private final Supplier<R> newRecord;
    private final byte[] header;
    /** Writer schemas this format reads, by fingerprint. */
    private final Map<Long, Schema> readable;
    private final Schema current;
    private final ThreadLocal<Scratch> scratch;

    /**
     * @param current   the record's schema, which {@link #encode} writes
     * @param newRecord an empty record to decode into
     * @param earlier   earlier versions of the schema that saved state may still be in
     */
    public StateFormat(Schema current, Supplier<R> newRecord, List<Schema> earlier) {
        this.name = current.getName();
        this.current = current;
        this.newRecord = newRecord;
        long fingerprint = SchemaNormalization.parsingFingerprint64(current);
        this.header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
                .put(MARKER_FIRST).put(MARKER_SECOND).putLong(fingerprint).array();
        Map<Long, Schema> schemas = new HashMap<>();
        earlier.forEach(schema -> schemas.put(SchemaNormalization.parsingFingerprint64(schema), schema));
        schemas.put(fingerprint, current);
        this.readable = Map.copyOf(schemas);
        this.scratch = ThreadLocal.withInitial(Scratch::new);
    }

    /** The record in single-object encoding with the current schema. */
    public byte[] encode(R record) {
        Scratch own = scratch.get();
        try {
            own.out.reset();
            own.out.write(header);
            record.customEncode(own.encoder);
            own.encoder.flush();
            return own.out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + name + " in memory", e);
        }
    }

    /**
     * The record in {@code bytes}, written with the current schema or an earlier one.
     *
     * @throws UnreadableStateException when the bytes are not a record of this format
     */
    public R decode(byte[] bytes) {
        if (bytes.length < HEADER_LENGTH || bytes[0] != MARKER_FIRST || bytes[1] != MARKER_SECOND) {
            throw new UnreadableStateException(name + " state of " + bytes.length + " bytes is not Avro single-object "
                    + "encoded (saved by a release before the Avro state format?)");
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema writer = readable.get(fingerprint);
        if (writer == null) {
            throw new UnreadableStateException(String.format("%s state was written with schema 0x%016x, which this "
                    + "release does not know (saved by a newer release?)", name, fingerprint));
        }
        Scratch own = scratch.get();
        try {
            own.binary = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH,
                    own.binary);
            ResolvingDecoder decoder = own.resolving.get(fingerprint);
            if (decoder == null) {
                decoder = DecoderFactory.get().resolvingDecoder(writer, current, own.binary);
                own.resolving.put(fingerprint, decoder);
            } else {
                decoder.configure(own.binary);
            }
            R record = newRecord.get();
            record.customDecode(decoder);
            decoder.drain();
            if (!own.binary.isEnd()) {
                throw new UnreadableStateException(name + " state has bytes after its record");
            }
            return record;
        } catch (IOException | RuntimeException e) {
            if (e instanceof UnreadableStateException unreadable) {
                throw unreadable;
            }
            throw new UnreadableStateException("damaged " + name + " state of " + bytes.length + " bytes: " + e, e);
        }
    }

    /** One thread's output buffer, encoder and decoders, reused from call to call. */
    private static final class Scratch {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        /** Buffered: the record reaches {@link #out} in one write at the flush. */
        final BinaryEncoder encoder = ENCODERS.binaryEncoder(out, null);
        final Map<Long, ResolvingDecoder> resolving = new HashMap<>();
        BinaryDecoder binary;
    }
}
