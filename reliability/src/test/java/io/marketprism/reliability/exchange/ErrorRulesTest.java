package io.marketprism.reliability.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.retry.CallFailure;
import io.marketprism.reliability.retry.ErrorClassifier;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorRulesTest {

    private static final ExchangeDefinitions BUILT_IN = ExchangeDefinitions.builtIn();
    private static final ErrorRules BINANCE = BUILT_IN.get("binance").errors();
    private static final ErrorRules OKX = BUILT_IN.get("okx").errors();
    private static final ErrorRules DERIBIT = BUILT_IN.get("deribit").errors();
    private static final ErrorRules BYBIT = BUILT_IN.get("bybit").errors();

    @Test
    void shouldTellAnOkxSuccessFromAnErrorAnsweredWith200() {
        assertThat(OKX.errorCode(200, "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instId\":\"BTC-USDT\"}]}")).isNull();
        assertThat(OKX.errorCode(200, "{\"code\":\"50011\",\"msg\":\"Too Many Requests\",\"data\":[]}"))
                .isEqualTo("50011");
        assertThat(OKX.errorCode(429, "{\"msg\":\"Too Many Requests\",\"code\":\"50011\"}")).isEqualTo("50011");
    }

    @Test
    void shouldKnowWhichStatusesBanTheAddressAndForHowLong() {
        ExchangeDefinitions definitions = ExchangeDefinitions.builtIn();

        assertThat(definitions.get("bybit").errors().banMillis(403)).isEqualTo(600_000);
        assertThat(definitions.get("binance").errors().banMillis(418)).isEqualTo(120_000);
        assertThat(definitions.get("binance").errors().banMillis(429)).isZero();
        assertThat(definitions.get("okx").errors().banMillis(429)).isZero();
    }

    @Test
    void shouldReadBybitsNumericRetCode() {
        assertThat(BYBIT.errorCode(200, "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"list\":[]}}")).isNull();
        assertThat(BYBIT.errorCode(200, "{\"retCode\":10001,\"retMsg\":\"params error\",\"result\":{}}"))
                .isEqualTo("10001");
        assertThat(BYBIT.errorCode(403, "access too frequent")).isEqualTo("HTTP_403");
    }

    @Test
    void shouldReadDeribitsNestedErrorCode() {
        assertThat(DERIBIT.errorCode(400, "{\"jsonrpc\":\"2.0\",\"error\":{\"message\":\"Invalid params\","
                + "\"code\":-32602},\"testnet\":false}")).isEqualTo("-32602");
        assertThat(DERIBIT.errorCode(429, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":10028,"
                + "\"message\":\"too_many_requests\"}}")).isEqualTo("10028");
        assertThat(DERIBIT.errorCode(200, "{\"jsonrpc\":\"2.0\",\"result\":{\"code\":5,\"current_funding\":0.0}}"))
                .isNull();
        assertThat(DERIBIT.errorCode(400, "{\"error\":\"bad\"}")).isEqualTo("HTTP_400");
        assertThat(DERIBIT.errorCode(400, "{\"code\":10001}")).as("only /error/code counts").isEqualTo("HTTP_400");
    }

    @Test
    void shouldTakeEveryBinance2xxAsASuccess() {
        assertThat(BINANCE.errorCode(200, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}")).isNull();
        assertThat(BINANCE.errorCode(204, null)).isNull();
        assertThat(BINANCE.errorCode(400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}")).isEqualTo("-1121");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "503 | <html><body>Service Unavailable</body></html> | HTTP_503",
        "502 | '' | HTTP_502",
        "429 | [\"code\",\"50011\"] | HTTP_429",
        "400 | {\"code\": | HTTP_400",
        "400 | {\"code\":null} | HTTP_400",
        "400 | {\"code\":{\"inner\":1}} | HTTP_400",
        "200 | not json at all | ",
        "200 | {\"code\":\"0\"} | "})
    void shouldFindNoCodeInABodyThatCarriesNone(int status, String body, String expected) {
        assertThat(OKX.errorCode(status, body)).isEqualTo(expected);
    }

    @Test
    void shouldReadTheCodeThatComesFirstWithoutParsingTheRestOfALargeBody() {
        String rows = "[\"65000.1\",\"0.5\",\"0\",\"1\"],".repeat(100_000);
        String large = "{\"code\":\"50011\",\"msg\":\"\",\"data\":[{\"asks\":[" + rows;

        assertThat(OKX.errorCode(200, large)).as("truncated after the code").isEqualTo("50011");
        assertThat(OKX.errorCode(200, "{\"code\":\"0\",\"data\":[{\"asks\":[" + rows)).isNull();
    }

    @Test
    void shouldSkipOtherMembersToFindACodeThatComesLast() {
        String rows = "[\"65000.1\",\"0.5\",\"0\",\"1\"],".repeat(10_000);
        String codeLast = "{\"data\":[{\"asks\":[" + rows + "[\"1\",\"1\",\"0\",\"1\"]],\"code\":\"7\"}],"
                + "\"msg\":\"\",\"code\":\"50013\"}";

        assertThat(OKX.errorCode(200, codeLast)).isEqualTo("50013");
    }

    @Test
    void shouldClassifyBinanceCodesBeforeTheirHttpStatusOnEveryBinanceHostSet() {
        for (String hostSet : List.of("binance-spot", "binance-usdm", "binance-coinm")) {
            ErrorClassifier binance = classifier(hostSet);

            assertThat(binance.classify(CallFailure.ofExchangeError(429, "-1003", "Too many requests")))
                    .isEqualTo(ErrorClass.RATE_LIMITED);
            assertThat(binance.classify(CallFailure.ofExchangeError(400, "-1021", "Timestamp outside recvWindow")))
                    .isEqualTo(ErrorClass.RETRYABLE);
            assertThat(binance.classify(CallFailure.ofExchangeError(400, "-1121", "Invalid symbol")))
                    .isEqualTo(ErrorClass.NON_RETRYABLE);
            assertThat(binance.classify(CallFailure.ofExchangeError(400, "-9999", "unknown code")))
                    .isEqualTo(ErrorClass.NON_RETRYABLE);
        }
    }

    @Test
    void shouldClassifyABinance403AsRateLimitingNotAsAClientError() {
        // Binance answers 403 when its WAF blocks a client, which can be a rate limit: waiting helps, giving up not
        assertThat(classifier("binance-spot").classify(CallFailure.ofStatus(403))).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(classifier("binance-usdm").classify(CallFailure.ofStatus(403))).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(classifier("okx").classify(CallFailure.ofStatus(403))).isEqualTo(ErrorClass.NON_RETRYABLE);
    }

    @Test
    void shouldClassifyOkxDeribitAndBybitCodes() {
        ErrorClassifier okx = classifier("okx");
        ErrorClassifier deribit = classifier("deribit");
        ErrorClassifier bybit = classifier("bybit");

        assertThat(okx.classify(CallFailure.ofExchangeError(200, "50011", "Rate limit reached")))
                .isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(okx.classify(CallFailure.ofExchangeError(200, "51001", "Instrument ID does not exist")))
                .isEqualTo(ErrorClass.NON_RETRYABLE);
        assertThat(deribit.classify(CallFailure.ofExchangeError(200, "10028", "too_many_requests")))
                .isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(deribit.classify(CallFailure.ofExchangeError(400, "10001", "error")))
                .isEqualTo(ErrorClass.NON_RETRYABLE);
        assertThat(deribit.classify(CallFailure.ofExchangeError(400, " -32602 ", "Invalid params")))
                .isEqualTo(ErrorClass.NON_RETRYABLE);
        assertThat(bybit.classify(CallFailure.ofExchangeError(200, "10006", "Too many visits")))
                .isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(bybit.classify(CallFailure.ofStatus(403))).isEqualTo(ErrorClass.RATE_LIMITED);
    }

    private static ErrorClassifier classifier(String hostSet) {
        return new ErrorClassifier(ReliabilityConfig.ofDefaults().exchange(hostSet).classification());
    }
}
