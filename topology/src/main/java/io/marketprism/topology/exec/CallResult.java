package io.marketprism.topology.exec;

/**
 * What one HTTP call to an exchange endpoint produced: either a response (any status) or an exception.
 *
 * @param startedAt        wall-clock time the call started, epoch millis
 * @param latencyMillis    time until the response or the failure
 * @param httpStatus       status code, or 0 when no response arrived
 * @param body             response body, empty when none or when it was too large to read
 * @param retryAfterMillis value of a Retry-After header in millis, or -1
 * @param usedWeight       value of a used-weight header (Binance {@code X-MBX-USED-WEIGHT-1M}), or -1
 * @param exceptionClass   class name of the exception when no response arrived, else null
 * @param message          exception message, or null
 * @param oversizedBytes   when the body was larger than the executor reads, how many bytes it had seen (or the
 *                         declared Content-Length) when it stopped; -1 for a body read whole
 */
public record CallResult(long startedAt, long latencyMillis, int httpStatus, String body, long retryAfterMillis,
                         long usedWeight, String exceptionClass, String message, long oversizedBytes) {

    /** A call that got a response. */
    public static CallResult response(long startedAt, long latencyMillis, int status, String body, long retryAfterMillis,
                                      long usedWeight) {
        return new CallResult(startedAt, latencyMillis, status, body == null ? "" : body, retryAfterMillis, usedWeight,
                null, null, -1);
    }

    /** A call whose response body was larger than the executor reads: the body is dropped, its size kept. */
    public static CallResult oversized(long startedAt, long latencyMillis, int status, long bytesSeen,
                                       long retryAfterMillis, long usedWeight) {
        return new CallResult(startedAt, latencyMillis, status, "", retryAfterMillis, usedWeight, null, null,
                bytesSeen);
    }

    /** A call that ended without a response. */
    public static CallResult failure(long startedAt, long latencyMillis, Throwable error) {
        return new CallResult(startedAt, latencyMillis, 0, "", -1, -1, error.getClass().getName(),
                String.valueOf(error.getMessage()), -1);
    }

    /**
     * Whether this health check shows the endpoint up: a response arrived with a status below 500 that is not a rate
     * limit (429) or a ban (418). Timeouts, connection failures and server errors show it down.
     */
    public boolean showsHealthy() {
        return hasResponse() && httpStatus() < 500 && httpStatus() != 429 && httpStatus() != 418;
    }

    public boolean hasResponse() {
        return httpStatus > 0;
    }

    /** Whether the body was too large to read (see {@link #oversizedBytes}). */
    public boolean bodyTooLarge() {
        return oversizedBytes >= 0;
    }
}
