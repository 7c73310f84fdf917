package io.marketprism.topology.exec;

/**
 * What one HTTP call to an exchange endpoint produced: either a response (any status) or an exception.
 *
 * @param startedAt     wall-clock time the call started, epoch millis
 * @param latencyMillis time until the response or the failure
 * @param httpStatus    status code, or 0 when no response arrived
 * @param body          response body, empty when none
 * @param retryAfterMillis value of a Retry-After header in millis, or -1
 * @param usedWeight    value of a used-weight header (Binance {@code X-MBX-USED-WEIGHT-1M}), or -1
 * @param exceptionClass class name of the exception when no response arrived, else null
 * @param message       exception message, or null
 */
public record CallResult(long startedAt, long latencyMillis, int httpStatus, String body, long retryAfterMillis,
                         long usedWeight, String exceptionClass, String message) {

    /** A call that got a response. */
    public static CallResult response(long startedAt, long latencyMillis, int status, String body, long retryAfterMillis,
                                      long usedWeight) {
        return new CallResult(startedAt, latencyMillis, status, body == null ? "" : body, retryAfterMillis, usedWeight,
                null, null);
    }

    /** A call that ended without a response. */
    public static CallResult failure(long startedAt, long latencyMillis, Throwable error) {
        return new CallResult(startedAt, latencyMillis, 0, "", -1, -1, error.getClass().getName(),
                String.valueOf(error.getMessage()));
    }

    public boolean hasResponse() {
        return httpStatus > 0;
    }
}
