package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.exec.CallResult;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InstantSuccessExecutorTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {"binance", "okx", "deribit", "bybit"})
    void shouldAnswerAtOnceWithAResponseEveryExchangeDefinitionTakesForASuccess(String exchange) {
        // Given
        InstantSuccessExecutor executor = new InstantSuccessExecutor(Clock.fixed(NOW, ZoneOffset.UTC));
        CollectorTask task = CollectorTask.newBuilder().setTaskId("t-1").setExchange(exchange)
                .setDataType(DataType.TICKER).setSymbol("BTC").setCreatedAt(NOW).build();

        // When
        CallResult result = executor.execute(task, new Endpoint(exchange, "api", URI.create("https://unused")))
                .toCompletableFuture().getNow(null);

        // Then
        assertThat(result).isNotNull();
        assertThat(result.httpStatus()).isEqualTo(200);
        assertThat(result.startedAt()).isEqualTo(NOW.toEpochMilli());
        assertThat(result.latencyMillis()).isZero();
        assertThat(ExchangeDefinitions.builtIn().get(exchange).errors().errorCode(result.httpStatus(), result.body()))
                .isNull();
    }
}
