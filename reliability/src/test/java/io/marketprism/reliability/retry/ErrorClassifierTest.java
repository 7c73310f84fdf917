package io.marketprism.reliability.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.ErrorClass;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorClassifierTest {

    private final ErrorClassifier generic = new ErrorClassifier(ClassificationRules.defaults());

    @ParameterizedTest
    @CsvSource({"429, RATE_LIMITED", "418, RATE_LIMITED", "408, TIMEOUT", "500, SERVER", "503, SERVER",
            "504, SERVER", "400, NON_RETRYABLE", "401, NON_RETRYABLE", "404, NON_RETRYABLE", "200, RETRYABLE"})
    void shouldClassifyHttpStatuses(int status, ErrorClass expected) {
        assertThat(generic.classify(CallFailure.ofStatus(status))).isEqualTo(expected);
    }

    @Test
    void shouldClassifyTransportExceptions() {
        assertThat(generic.classify(CallFailure.ofException(new ConnectException("refused"))))
                .isEqualTo(ErrorClass.NETWORK);
        assertThat(generic.classify(CallFailure.ofException(new HttpConnectTimeoutException("connect"))))
                .isEqualTo(ErrorClass.NETWORK);
        assertThat(generic.classify(CallFailure.ofException(new HttpTimeoutException("request timed out"))))
                .isEqualTo(ErrorClass.TIMEOUT);
        assertThat(generic.classify(CallFailure.ofException(new SocketTimeoutException("read timed out"))))
                .isEqualTo(ErrorClass.TIMEOUT);
    }

    @Test
    void shouldClassifyAConnectionResetByItsMessage() {
        assertThat(generic.classify(CallFailure.ofException(new IOException("Connection Reset by peer"))))
                .isEqualTo(ErrorClass.NETWORK);
        assertThat(generic.classify(CallFailure.ofException(new IOException("something odd"))))
                .isEqualTo(ErrorClass.RETRYABLE);
    }

    @Test
    void shouldClassifyAnExchangeCodeBeforeItsHttpStatus() {
        ErrorClassifier classifier = new ErrorClassifier(ClassificationRules.forExchange("ex").toBuilder()
                .exchangeCode("-1021", ErrorClass.RETRYABLE).build());

        assertThat(classifier.classify(CallFailure.ofExchangeError(400, "-1021", "Timestamp outside recvWindow")))
                .isEqualTo(ErrorClass.RETRYABLE);
        assertThat(classifier.classify(CallFailure.ofExchangeError(400, " -1021 ", "padded")))
                .isEqualTo(ErrorClass.RETRYABLE);
        assertThat(classifier.classify(CallFailure.ofExchangeError(400, "-9999", "unknown code")))
                .isEqualTo(ErrorClass.NON_RETRYABLE);
    }

    @Test
    void shouldLetAnExchangeOverrideItsDefaults() {
        // Given rules where 403 (a WAF block) is treated as rate limiting and -1021 gives up
        ClassificationRules rules = ClassificationRules.forExchange("ex").toBuilder()
                .status(403, ErrorClass.RATE_LIMITED)
                .exchangeCode("-1021", ErrorClass.NON_RETRYABLE)
                .fallback(ErrorClass.SERVER)
                .build();
        ErrorClassifier classifier = new ErrorClassifier(rules);

        // Then the overrides win and the other defaults stay
        assertThat(classifier.classify(CallFailure.ofStatus(403))).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(classifier.classify(CallFailure.ofExchangeError(400, "-1021", "ts"))).isEqualTo(ErrorClass.NON_RETRYABLE);
        assertThat(classifier.classify(CallFailure.ofStatus(429))).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(classifier.classify(CallFailure.ofException(new ConnectException("refused"))))
                .isEqualTo(ErrorClass.NETWORK);
        assertThat(classifier.classify(new CallFailure(null, null, null, null))).isEqualTo(ErrorClass.SERVER);
        assertThat(ErrorClassifier.forExchange("ex").classify(CallFailure.ofStatus(403)))
                .isEqualTo(ErrorClass.NON_RETRYABLE);
    }

    @Test
    void shouldRejectInvalidRules() {
        assertThatThrownBy(() -> ClassificationRules.builder("x").status(600, ErrorClass.SERVER))
                .hasMessage("status must be in [100, 599], was 600");
        assertThatThrownBy(() -> ClassificationRules.builder(" ")).hasMessageContaining("exchange must be a non-blank");
    }
}
