package io.marketprism.schemas.codec;

/** Bytes that cannot be decoded into the expected record; {@link #problem()} says why, the message says how. */
public final class RecordDecodingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What is wrong with the bytes. */
    public enum Problem {
        /** No marker C3 01 followed by an 8-byte fingerprint: not Avro single-object encoding at all. */
        NOT_SINGLE_OBJECT,
        /** The writer schema's fingerprint is not one of the schemas shipped in this jar. */
        UNKNOWN_FINGERPRINT,
        /** The writer schema is known, but it is a different record than the one expected. */
        WRONG_RECORD_TYPE,
        /** The body ends before the record does. */
        TRUNCATED,
        /** The body does not decode with the writer schema named by its fingerprint. */
        CORRUPT_BODY,
        /** JSON text that is not an object of the expected record (see {@link RecordJson}). */
        INVALID_JSON,
        /** Neither Avro single-object encoding nor a JSON object. */
        UNKNOWN_FORMAT
    }

    private final Problem problem;

    RecordDecodingException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    /** What is wrong with the bytes. */
    public Problem problem() {
        return problem;
    }
}
