package io.marketprism.schemas.codec;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.RecordDecodingException.Problem;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one record type in Avro single-object encoding: marker {@code C3 01}, the 8-byte little-endian
 * CRC-64-AVRO fingerprint of the writer schema, then the Avro binary body.
 *
 * <p>Encoding always uses the current schema. Decoding accepts every version of the record shipped in this jar (see
 * {@link ShippedSchemaStore}) and resolves it into the current class, so records from older producers keep decoding.
 * Instances are immutable and thread-safe; share them.
 *
 * <p>Speed: the codec uses a {@link SpecificData} model of its own, with the generated classes' logical-type
 * conversions, Avro's fast reader (a reader per writer schema, planned once, that resolves older versions without a
 * {@code ResolvingDecoder}) and the generated custom coders (Avro generates them only for records without logical
 * types, here {@code RecordOrigin}); the JVM-wide system properties of Avro are neither read nor needed. Each thread
 * reuses its own output buffer, {@link BinaryEncoder} and {@link BinaryDecoder} ({@link ThreadLocal}s, as the records
 * of several stream threads go through one codec); every call returns a fresh array or record.
 */
public final class AvroCodec<T extends SpecificRecord> {

    /** Length of the single-object header: two marker bytes and the fingerprint. */
    static final int HEADER_LENGTH = 10;
    private static final byte MARKER_FIRST = (byte) 0xC3;
    private static final byte MARKER_SECOND = (byte) 0x01;

    private static final ThreadLocal<EncodeScratch> ENCODE_SCRATCH = ThreadLocal.withInitial(EncodeScratch::new);
    private static final ThreadLocal<BinaryDecoder> DECODERS = new ThreadLocal<>();

    private static final AvroCodec<CollectorTask> TASKS = new AvroCodec<>(CollectorTask.class,
            CollectorTask.getClassSchema(), ShippedSchemaStore.shipped());
    private static final AvroCodec<TaskResult> RESULTS = new AvroCodec<>(TaskResult.class,
            TaskResult.getClassSchema(), ShippedSchemaStore.shipped());
    private static final AvroCodec<DeadLetter> DEAD_LETTERS = new AvroCodec<>(DeadLetter.class,
            DeadLetter.getClassSchema(), ShippedSchemaStore.shipped());

    private final Schema schema;
    private final ShippedSchemaStore store;
    private final List<Long> acceptedFingerprints;
    private final byte[] header;
    private final DatumWriter<T> writer;
    /** A reader per shipped version of the schema, by fingerprint, each resolving into the current class. */
    private final Map<Long, DatumReader<T>> readers;

    private AvroCodec(Class<T> type, Schema schema, ShippedSchemaStore store) {
        AvroTrust.install();
        SpecificData model = fastModel(type);
        this.schema = schema;
        this.store = store;
        this.header = header(ShippedSchemaStore.fingerprintOf(schema));
        this.writer = datumWriter(model, schema);
        List<Schema> versions = store.versionsOf(schema.getFullName());
        Map<Long, DatumReader<T>> byFingerprint = new HashMap<>();
        versions.forEach(version -> byFingerprint.put(ShippedSchemaStore.fingerprintOf(version),
                datumReader(model, version, schema)));
        this.readers = Map.copyOf(byFingerprint);
        this.acceptedFingerprints = versions.stream().map(ShippedSchemaStore::fingerprintOf).toList();
    }

    /** A model of our own: the conversions of the generated class's model, the fast reader and custom coders. */
    private static SpecificData fastModel(Class<?> type) {
        SpecificData model = new SpecificData(type.getClassLoader());
        SpecificData.getForClass(type).getConversions().forEach(model::addLogicalTypeConversion);
        model.setFastReaderEnabled(true);
        model.setCustomCoders(true);
        return model;
    }

    @SuppressWarnings("unchecked")
    private static <T> DatumWriter<T> datumWriter(SpecificData model, Schema schema) {
        return model.createDatumWriter(schema);
    }

    @SuppressWarnings("unchecked")
    private static <T> DatumReader<T> datumReader(SpecificData model, Schema writer, Schema reader) {
        return model.createDatumReader(writer, reader);
    }

    private static byte[] header(long fingerprint) {
        return ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
                .put(MARKER_FIRST).put(MARKER_SECOND).putLong(fingerprint).array();
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
        boolean scratchReusable = false;
        try {
            byte[] bytes = ENCODE_SCRATCH.get().encode(header, writer, record);
            scratchReusable = bytes.length <= EncodeScratch.RETAINED_BYTES;
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + schema.getName() + " in memory", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot encode " + schema.getName() + ": " + e.getMessage(), e);
        } finally {
            if (!scratchReusable) {
                ENCODE_SCRATCH.remove();
            }
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
        DatumReader<T> reader = readers.get(fingerprint);
        if (reader == null) {
            throw unknownWriter(fingerprint);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH,
                    bytes.length - HEADER_LENGTH, DECODERS.get());
            DECODERS.set(decoder);
            return reader.read(null, decoder);
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

    private RecordDecodingException unknownWriter(long fingerprint) {
        Schema other = store.findByFingerprint(fingerprint);
        if (other != null) {
            return new RecordDecodingException(Problem.WRONG_RECORD_TYPE, String.format("writer schema %s is a "
                    + "version of %s, not of %s", hex(fingerprint), other.getFullName(), schema.getFullName()), null);
        }
        return new RecordDecodingException(Problem.UNKNOWN_FINGERPRINT, String.format("unknown writer schema "
                + "fingerprint %s: not one of the shipped versions of %s (%s); written by a newer producer?",
                hex(fingerprint), schema.getFullName(),
                acceptedFingerprints.stream().map(AvroCodec::hex).collect(Collectors.joining(", "))), null);
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

    /**
     * One thread's buffer and the encoder writing into it: the whole record is buffered, then copied out once. The
     * thread drops its scratch after a failed encode, which may leave bytes behind in the encoder, and after a record
     * longer than {@value #RETAINED_BYTES} bytes, so that one large record does not keep a large buffer alive.
     */
    private static final class EncodeScratch {

        static final int RETAINED_BYTES = 64 * 1024;

        private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        private final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);

        <T> byte[] encode(byte[] header, DatumWriter<T> writer, T record) throws IOException {
            out.reset();
            encoder.writeFixed(header);
            writer.write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        }
    }
}
