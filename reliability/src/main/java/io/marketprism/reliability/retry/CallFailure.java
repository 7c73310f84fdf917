package io.marketprism.reliability.retry;

/**
 * What is known about a failed call; every field may be null.
 *
 * @param httpStatus        the HTTP status, when the exchange answered
 * @param exceptionClass    fully qualified class name of the exception, when the call threw
 * @param exchangeErrorCode the exchange's own error code from the body (Binance {@code -1121}, OKX {@code 51001})
 * @param message           the exception or error message
 */
public record CallFailure(Integer httpStatus, String exceptionClass, String exchangeErrorCode, String message) {

    /** The exchange answered {@code status} without a recognisable error body. */
    public static CallFailure ofStatus(int status) {
        return new CallFailure(status, null, null, null);
    }

    /** The exchange answered {@code status} with its error {@code code} and {@code message}. */
    public static CallFailure ofExchangeError(int status, String code, String message) {
        return new CallFailure(status, null, code, message);
    }

    /** The call threw {@code error} before an answer arrived. */
    public static CallFailure ofException(Throwable error) {
        return new CallFailure(null, error.getClass().getName(), null, error.getMessage());
    }
}
