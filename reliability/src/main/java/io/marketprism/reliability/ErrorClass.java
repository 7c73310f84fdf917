package io.marketprism.reliability;

/** What kind of failure an attempt ended in; decides whether and how it is retried. */
public enum ErrorClass {
    /** A transient failure not covered by a more specific class. */
    RETRYABLE,
    /** The request itself is wrong (bad symbol, 4xx): retrying cannot help. */
    NON_RETRYABLE,
    /** Connection refused or reset, DNS, TLS. */
    NETWORK,
    /** No answer within the call timeout. */
    TIMEOUT,
    /** The exchange answered 5xx. */
    SERVER,
    /** The exchange answered 429 or 418, or an error code meaning the same. */
    RATE_LIMITED;

    /** True when a task failing with this class may be tried again. */
    public boolean isRetryable() {
        return this != NON_RETRYABLE;
    }
}
