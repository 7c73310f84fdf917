package io.marketprism.reliability.retry;

import io.marketprism.reliability.Checks;
import io.marketprism.reliability.ErrorClass;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How one exchange's failures map to {@link ErrorClass}es; read by {@link ErrorClassifier}. Start from
 * {@link #defaults()} and add an exchange's codes with {@link #toBuilder()}.
 *
 * <p>HTTP statuses without an explicit rule: 429 and 418 RATE_LIMITED, 408 TIMEOUT, other 4xx NON_RETRYABLE, 5xx
 * SERVER. Exception classes match by exact fully qualified name; message fragments match case-insensitively.
 */
public final class ClassificationRules {

    private final String exchange;
    private final Map<String, ErrorClass> exchangeCodes;
    private final Map<Integer, ErrorClass> statuses;
    /** {@link #statuses} indexed by status (100 to 599), for the lookup on every failed call. */
    private final ErrorClass[] byStatus = new ErrorClass[600];
    private final Map<String, ErrorClass> exceptions;
    private final Map<String, ErrorClass> messageFragments;
    private final ErrorClass fallback;

    private ClassificationRules(Builder b) {
        this.exchange = b.exchange;
        this.exchangeCodes = Map.copyOf(b.exchangeCodes);
        this.statuses = Map.copyOf(b.statuses);
        statuses.forEach((status, errorClass) -> byStatus[status] = errorClass);
        this.exceptions = Map.copyOf(b.exceptions);
        // insertion order: the first matching fragment wins, the same way in every JVM
        this.messageFragments = Collections.unmodifiableMap(new LinkedHashMap<>(b.messageFragments));
        this.fallback = b.fallback;
    }

    /** Exchange-independent rules: status ranges, common network exceptions and messages, fallback RETRYABLE. */
    public static ClassificationRules defaults() {
        return defaultsFor("generic").build();
    }

    /**
     * {@link #defaults()} under {@code exchange}'s name; an exchange's own codes come from its definition
     * ({@code io.marketprism.reliability.exchange.ErrorRules}).
     */
    public static ClassificationRules forExchange(String exchange) {
        return defaultsFor(exchange).build();
    }

    /** Rules with nothing but the status ranges and fallback RETRYABLE. */
    public static Builder builder(String exchange) {
        return new Builder(exchange);
    }

    /** A builder holding these rules, to override some of them. */
    public Builder toBuilder() {
        Builder b = new Builder(exchange);
        b.exchangeCodes.putAll(exchangeCodes);
        b.statuses.putAll(statuses);
        b.exceptions.putAll(exceptions);
        b.messageFragments.putAll(messageFragments);
        b.fallback = fallback;
        return b;
    }

    public String exchange() {
        return exchange;
    }

    /** The class of an exchange error code, or null when the code has no rule. */
    ErrorClass forExchangeCode(String code) {
        return exchangeCodes.get(code.trim());
    }

    /** The class of an HTTP error status, or null for statuses below 400 without a rule. */
    ErrorClass forStatus(int status) {
        ErrorClass explicit = status >= 0 && status < byStatus.length ? byStatus[status] : null;
        if (explicit != null) {
            return explicit;
        }
        if (status == 429 || status == 418) {
            return ErrorClass.RATE_LIMITED;
        }
        if (status == 408) {
            return ErrorClass.TIMEOUT;
        }
        if (status >= 500 && status <= 599) {
            return ErrorClass.SERVER;
        }
        if (status >= 400 && status <= 499) {
            return ErrorClass.NON_RETRYABLE;
        }
        return null;
    }

    /** The class of an exception class name, or null when it has no rule. */
    ErrorClass forException(String className) {
        return exceptions.get(className);
    }

    /** The class of the first fragment found in {@code message}, or null. */
    ErrorClass forMessage(String message) {
        for (Map.Entry<String, ErrorClass> rule : messageFragments.entrySet()) {
            if (containsIgnoreCase(message, rule.getKey())) {
                return rule.getValue();
            }
        }
        return null;
    }

    ErrorClass fallback() {
        return fallback;
    }

    private static boolean containsIgnoreCase(String text, String fragment) {
        for (int i = 0; i + fragment.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, fragment, 0, fragment.length())) {
                return true;
            }
        }
        return false;
    }

    private static Builder defaultsFor(String exchange) {
        return new Builder(exchange)
                .exception("java.net.ConnectException", ErrorClass.NETWORK)
                .exception("java.net.NoRouteToHostException", ErrorClass.NETWORK)
                .exception("java.net.UnknownHostException", ErrorClass.NETWORK)
                .exception("java.net.SocketException", ErrorClass.NETWORK)
                .exception("java.io.EOFException", ErrorClass.NETWORK)
                .exception("java.nio.channels.ClosedChannelException", ErrorClass.NETWORK)
                .exception("javax.net.ssl.SSLException", ErrorClass.NETWORK)
                .exception("javax.net.ssl.SSLHandshakeException", ErrorClass.NETWORK)
                // no connection within the connect timeout: the request never left, like a refused connection
                .exception("java.net.http.HttpConnectTimeoutException", ErrorClass.NETWORK)
                .exception("java.net.http.HttpTimeoutException", ErrorClass.TIMEOUT)
                .exception("java.net.SocketTimeoutException", ErrorClass.TIMEOUT)
                .exception("java.util.concurrent.TimeoutException", ErrorClass.TIMEOUT)
                .messageContains("connection reset", ErrorClass.NETWORK)
                .messageContains("connection refused", ErrorClass.NETWORK)
                .messageContains("broken pipe", ErrorClass.NETWORK);
    }

    /** Builder of {@link ClassificationRules}; later rules for the same key replace earlier ones. */
    public static final class Builder {
        private final String exchange;
        private final Map<String, ErrorClass> exchangeCodes = new LinkedHashMap<>();
        private final Map<Integer, ErrorClass> statuses = new LinkedHashMap<>();
        private final Map<String, ErrorClass> exceptions = new LinkedHashMap<>();
        private final Map<String, ErrorClass> messageFragments = new LinkedHashMap<>();
        private ErrorClass fallback = ErrorClass.RETRYABLE;

        private Builder(String exchange) {
            if (exchange == null || exchange.isBlank()) {
                throw new IllegalArgumentException("exchange must be a non-blank name, was '" + exchange + "'");
            }
            this.exchange = exchange;
        }

        /** The class of an exchange error code (compared after trimming). */
        public Builder exchangeCode(String code, ErrorClass errorClass) {
            if (code == null || code.isBlank()) {
                throw new IllegalArgumentException("exchangeCode must be non-blank, was '" + code + "'");
            }
            exchangeCodes.put(code.trim(), requireClass(errorClass));
            return this;
        }

        /** The class of an HTTP status in [100, 599], replacing the range default. */
        public Builder status(int status, ErrorClass errorClass) {
            statuses.put(Checks.inRange("status", status, 100, 599), requireClass(errorClass));
            return this;
        }

        /** The class of an exception, by its fully qualified class name. */
        public Builder exception(String className, ErrorClass errorClass) {
            if (className == null || className.isBlank()) {
                throw new IllegalArgumentException("exception class name must be non-blank, was '" + className + "'");
            }
            exceptions.put(className, requireClass(errorClass));
            return this;
        }

        /** The class of a failure whose message contains {@code fragment}, ignoring case. */
        public Builder messageContains(String fragment, ErrorClass errorClass) {
            if (fragment == null || fragment.isBlank()) {
                throw new IllegalArgumentException("message fragment must be non-blank, was '" + fragment + "'");
            }
            messageFragments.put(fragment, requireClass(errorClass));
            return this;
        }

        /** The class of a failure no rule matches. */
        public Builder fallback(ErrorClass errorClass) {
            this.fallback = requireClass(errorClass);
            return this;
        }

        public ClassificationRules build() {
            return new ClassificationRules(this);
        }

        private static ErrorClass requireClass(ErrorClass errorClass) {
            return Objects.requireNonNull(errorClass, "errorClass");
        }
    }

    @Override
    public String toString() {
        return "ClassificationRules{" + exchange + ": " + exchangeCodes.size() + " codes, " + statuses.size()
                + " status overrides, " + exceptions.size() + " exceptions, " + messageFragments.size()
                + " message fragments, fallback " + fallback + '}';
    }
}
