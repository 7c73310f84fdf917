package io.marketprism.schemas.codec;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.RecordDecodingException.Problem;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record type in either {@link OutputFormat}: encodes in the format asked for and decodes whichever it is given,
 * telling the two apart by the first byte (Avro single-object encoding starts with {@code C3 01}, a JSON object with
 * <code>'{'</code> after optional whitespace). Immutable and thread-safe.
 */
public final class RecordCodec<T extends SpecificRecord> {

    private static final RecordCodec<CollectorTask> TASKS = new RecordCodec<>(AvroCodec.tasks(), RecordJson.tasks());
    private static final RecordCodec<TaskResult> RESULTS =
            new RecordCodec<>(AvroCodec.results(), RecordJson.results());
    private static final RecordCodec<DeadLetter> DEAD_LETTERS =
            new RecordCodec<>(AvroCodec.deadLetters(), RecordJson.deadLetters());

    private final AvroCodec<T> avro;
    private final RecordJson<T> json;

    private RecordCodec(AvroCodec<T> avro, RecordJson<T> json) {
        this.avro = avro;
        this.json = json;
    }

    /** Tasks (the retry topic). */
    public static RecordCodec<CollectorTask> tasks() {
        return TASKS;
    }

    /** Results. */
    public static RecordCodec<TaskResult> results() {
        return RESULTS;
    }

    /** Dead letters. */
    public static RecordCodec<DeadLetter> deadLetters() {
        return DEAD_LETTERS;
    }

    /** The record in {@code format}. */
    public byte[] encode(T record, OutputFormat format) {
        Objects.requireNonNull(format, "format");
        return format == OutputFormat.AVRO ? avro.encode(record) : json.encode(record);
    }

    /**
     * The record in {@code bytes}, Avro or JSON.
     *
     * @throws RecordDecodingException when the bytes are neither, or do not hold this record
     */
    public T decode(byte[] bytes) {
        if (bytes != null && AvroCodec.startsWithMarker(bytes)) {
            return avro.decode(bytes);
        }
        if (bytes != null && startsWithJsonObject(bytes)) {
            return json.decode(bytes);
        }
        throw new RecordDecodingException(Problem.UNKNOWN_FORMAT, "neither Avro single-object encoding (marker "
                + "C3 01) nor a JSON object (first non-whitespace byte '{'): " + AvroCodec.describe(bytes), null);
    }

    /** True when the first byte that is not whitespace opens a JSON object. */
    static boolean startsWithJsonObject(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '{';
            }
        }
        return false;
    }
}
