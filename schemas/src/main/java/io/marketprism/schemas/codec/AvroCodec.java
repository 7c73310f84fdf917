package io.marketprism.schemas.codec;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.RecordDecodingException.Problem;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one record type in Avro single-object encoding: marker {@code C3 01}, the 8-byte little-endian
 * CRC-64-AVRO fingerprint of the writer schema, then the Avro binary body.
 *
 * <p>Encoding always uses the current schema. Decoding accepts every version of the record shipped in this jar (see
 * {@link ShippedSchemaStore}) and resolves it into the current class, so records from older producers keep decoding.
 * Instances are immutable and thread-safe; share them.
 */
public final class AvroCodec<T extends SpecificRecord> {

    /** Length of the single-object header: two marker bytes and the fingerprint. */
    static final int HEADER_LENGTH = 10;
    private static final byte MARKER_FIRST = (byte) 0xC3;
    private static final byte MARKER_SECOND = (byte) 0x01;

    private static final AvroCodec<CollectorTask> TASKS = new AvroCodec<>(CollectorTask.class,
            CollectorTask.getClassSchema(), ShippedSchemaStore.shipped());
    private static final AvroCodec<TaskResult> RESULTS = new AvroCodec<>(TaskResult.class,
            TaskResult.getClassSchema(), ShippedSchemaStore.shipped());
    private static final AvroCodec<DeadLetter> DEAD_LETTERS = new AvroCodec<>(DeadLetter.class,
            DeadLetter.getClassSchema(), ShippedSchemaStore.shipped());

    private final Schema schema;
    private final ShippedSchemaStore store;
    private final List<Long> acceptedFingerprints;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroCodec(Class<T> type, Schema schema, ShippedSchemaStore store) {
        AvroTrust.install();
        SpecificData model = SpecificData.getForClass(type);
        this.schema = schema;
        this.store = store;
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        List<Schema> versions = store.versionsOf(schema.getFullName());
        versions.forEach(decoder::addSchema);
        this.acceptedFingerprints = versions.stream().map(ShippedSchemaStore::fingerprintOf).toList();
    }

    /** The codec of {@link CollectorTask}. */
    public static AvroCodec<CollectorTask> tasks() {
        return TASKS;
    }

    /** The codec of {@link TaskResult}. */
    public static AvroCodec<TaskResult> results() {
        return RESULTS;
    }

    /** The codec of {@link DeadLetter}. */
    public static AvroCodec<DeadLetter> deadLetters() {
        return DEAD_LETTERS;
    }

    /** True when the bytes start with the single-object marker and are long enough to hold the fingerprint. */
    public static boolean looksLikeSingleObject(byte[] bytes) {
        return bytes != null && bytes.length >= HEADER_LENGTH && startsWithMarker(bytes);
    }

    /** True when the bytes start with the single-object marker C3 01, however short they are. */
    static boolean startsWithMarker(byte[] bytes) {
        return bytes.length >= 2 && bytes[0] == MARKER_FIRST && bytes[1] == MARKER_SECOND;
    }

    /** The current schema: the one {@link #encode} writes with. */
    public Schema schema() {
        return schema;
    }

    /**
     * The record in single-object encoding with the current schema.
     *
     * @throws IllegalArgumentException when the record cannot be encoded, e.g. a required field is null
     */
    public byte[] encode(T record) {
        Objects.requireNonNull(record, "record");
        try {
            return toArray(encoder.encode(record));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + schema.getName() + " in memory", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot encode " + schema.getName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The record encoded in {@code bytes} by any shipped version of its schema, as the current class.
     *
     * @throws RecordDecodingException when the bytes are not single-object encoded, name an unknown or foreign
     *     writer schema, or hold a truncated or corrupt body
     */
    public T decode(byte[] bytes) {
        if (!looksLikeSingleObject(bytes)) {
            throw new RecordDecodingException(Problem.NOT_SINGLE_OBJECT, "not Avro single-object encoded: expected "
                    + "marker C3 01 and an 8-byte schema fingerprint, got " + describe(bytes), null);
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw unknownWriter(fingerprint, e);
        } catch (IOException | RuntimeException e) {
            int bodyLength = bytes.length - HEADER_LENGTH;
            if (hasCause(e, EOFException.class)) {
                throw new RecordDecodingException(Problem.TRUNCATED, String.format("truncated %s: the body ends after "
                        + "%d bytes (writer schema %s)", schema.getName(), bodyLength, hex(fingerprint)), e);
            }
            throw new RecordDecodingException(Problem.CORRUPT_BODY, String.format("corrupt %s body of %d bytes "
                    + "(writer schema %s): %s", schema.getName(), bodyLength, hex(fingerprint), e), e);
        }
    }

    private RecordDecodingException unknownWriter(long fingerprint, MissingSchemaException cause) {
        Schema other = store.findByFingerprint(fingerprint);
        if (other != null) {
            return new RecordDecodingException(Problem.WRONG_RECORD_TYPE, String.format("writer schema %s is a "
                    + "version of %s, not of %s", hex(fingerprint), other.getFullName(), schema.getFullName()), cause);
        }
        return new RecordDecodingException(Problem.UNKNOWN_FINGERPRINT, String.format("unknown writer schema "
                + "fingerprint %s: not one of the shipped versions of %s (%s); written by a newer producer?",
                hex(fingerprint), schema.getFullName(),
                acceptedFingerprints.stream().map(AvroCodec::hex).collect(Collectors.joining(", "))), cause);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
                && buffer.remaining() == buffer.array().length) {
            return buffer.array();
        }
        byte[] copy = new byte[buffer.remaining()];
        buffer.get(copy);
        return copy;
    }

    private static boolean hasCause(Throwable thrown, Class<? extends Throwable> type) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The length and first bytes in hex, for messages about bytes that are not what they should be. */
    static String describe(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        StringBuilder text = new StringBuilder().append(bytes.length).append(" bytes");
        int shown = Math.min(bytes.length, HEADER_LENGTH);
        if (shown > 0) {
            text.append(" starting");
            for (int i = 0; i < shown; i++) {
                text.append(String.format(" %02X", bytes[i]));
            }
        }
        return text.toString();
    }

    static String hex(long fingerprint) {
        return String.format("0x%016x", fingerprint);
    }
}
