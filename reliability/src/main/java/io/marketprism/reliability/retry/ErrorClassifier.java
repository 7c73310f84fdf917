package io.marketprism.reliability.retry;

import io.marketprism.reliability.ErrorClass;
import java.util.Objects;

/**
 * Turns a {@link CallFailure} into an {@link ErrorClass} using one exchange's {@link ClassificationRules}. The most
 * specific evidence wins: the exchange error code, then the HTTP status, then the exception class, then the message,
 * then the fallback. So Binance's -1021 under HTTP 400 is RETRYABLE, while an unknown code under 400 is
 * NON_RETRYABLE.
 */
public final class ErrorClassifier {

    private final ClassificationRules rules;

    public ErrorClassifier(ClassificationRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /** A classifier with {@link ClassificationRules#forExchange} rules. */
    public static ErrorClassifier forExchange(String exchange) {
        return new ErrorClassifier(ClassificationRules.forExchange(exchange));
    }

    public ClassificationRules rules() {
        return rules;
    }

    public ErrorClass classify(CallFailure failure) {
        ErrorClass found = null;
        if (failure.exchangeErrorCode() != null) {
            found = rules.forExchangeCode(failure.exchangeErrorCode());
        }
        if (found == null && failure.httpStatus() != null) {
            found = rules.forStatus(failure.httpStatus());
        }
        if (found == null && failure.exceptionClass() != null) {
            found = rules.forException(failure.exceptionClass());
        }
        if (found == null && failure.message() != null) {
            found = rules.forMessage(failure.message());
        }
        return found != null ? found : rules.fallback();
    }
}
