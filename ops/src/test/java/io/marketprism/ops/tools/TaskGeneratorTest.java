package io.marketprism.ops.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TaskGeneratorTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void shouldNumberIdsAfterPrefixAndRunId() {
        TaskGenerator generator = TaskGenerator.builder().idPrefix("load").runId("r1").clock(CLOCK).build();

        assertThat(List.of(generator.next().getTaskId(), generator.next().getTaskId()))
                .containsExactly("load-r1-0", "load-r1-1");
    }

    @Test
    void shouldRepeatTheSameChoicesForTheSameSeed() {
        List<String> first = describe(TaskGenerator.builder().seed(9).clock(CLOCK).build());
        List<String> second = describe(TaskGenerator.builder().seed(9).clock(CLOCK).build());
        List<String> other = describe(TaskGenerator.builder().seed(10).clock(CLOCK).build());

        assertThat(first).isEqualTo(second).isNotEqualTo(other);
    }

    @Test
    void shouldDrawOnlyTheGivenExchangesSymbolsAndDataTypes() {
        TaskGenerator generator = TaskGenerator.builder().exchanges(List.of("OKX", "deribit"))
                .symbols("okx", List.of("SOL-USDT")).dataTypes(List.of(DataType.TRADES)).clock(CLOCK).build();

        List<CollectorTask> tasks = IntStream.range(0, 200).mapToObj(i -> generator.next()).toList();

        assertThat(tasks).extracting(CollectorTask::getExchange).containsOnly("okx", "deribit");
        assertThat(tasks).filteredOn(t -> t.getExchange().equals("okx")).extracting(CollectorTask::getSymbol)
                .containsOnly("SOL-USDT");
        assertThat(tasks).filteredOn(t -> t.getExchange().equals("deribit")).extracting(CollectorTask::getSymbol)
                .containsOnlyElementsOf(TaskGenerator.DEFAULT_SYMBOLS.get("deribit").values().stream()
                        .flatMap(List::stream).toList())
                .contains("BTC-PERPETUAL", "ETH-PERPETUAL");
        assertThat(tasks).extracting(CollectorTask::getDataType).containsOnly(DataType.TRADES);
        assertThat(tasks).extracting(CollectorTask::getCreatedAt).containsOnly(CLOCK.instant());
    }

    @Test
    void shouldRefuseAnExchangeWithoutDefinitionNamingTheDefinedOnes() {
        assertThatThrownBy(() -> TaskGenerator.builder().exchanges(List.of("kraken")).build())
                .hasMessageContaining("--exchanges").hasMessageContaining("kraken").hasMessageContaining("bybit");
    }

    @Test
    void shouldRequireSymbolsWhenNoMarketWithDefaultSymbolsOffersTheDataTypes() {
        assertThatThrownBy(() -> TaskGenerator.builder().exchanges(List.of("deribit"))
                .dataTypes(List.of(DataType.LONG_SHORT_RATIO)).build())
                .hasMessageContaining("--symbols").hasMessageContaining("deribit");
    }

    @Test
    void shouldDrawOnlyRequestsTheDefinitionsOfferInTheRightMarket() {
        TaskGenerator generator = TaskGenerator.builder().seed(3).clock(CLOCK).build();
        ExchangeDefinitions definitions = ExchangeDefinitions.builtIn();

        List<CollectorTask> tasks = IntStream.range(0, 2_000).mapToObj(i -> generator.next()).toList();

        assertThat(tasks).allSatisfy(task -> assertThat(definitions.get(task.getExchange()).request(task.getMarket(),
                task.getDataType().name(), task.getSymbol(), task.getParams())).isNotNull());
        assertThat(tasks).extracting(CollectorTask::getExchange).contains("binance", "bybit", "deribit", "okx");
        assertThat(tasks).filteredOn(t -> t.getDataType() == DataType.FUNDING_RATE)
                .extracting(CollectorTask::getMarket).doesNotContain("spot");
        assertThat(tasks).extracting(CollectorTask::getDataType).contains(DataType.KLINES, DataType.LONG_SHORT_RATIO);
    }

    @Test
    void shouldRejectSymbolsForAnExchangeNotDrawnFrom() {
        assertThatThrownBy(() -> TaskGenerator.builder().exchanges(List.of("okx"))
                .symbols("binance", List.of("BTCUSDT")).build())
                .hasMessageContaining("--symbols").hasMessageContaining("binance");
    }

    @Test
    void shouldRejectIdPartsThatAreNotPlainText() {
        assertThatThrownBy(() -> TaskGenerator.builder().runId("a b"))
                .hasMessageContaining("--run-id").hasMessageContaining("1..64");
    }

    private static List<String> describe(TaskGenerator generator) {
        return IntStream.range(0, 50).mapToObj(i -> generator.next())
                .map(t -> t.getExchange() + t.getSymbol() + t.getDataType() + t.getPriority()).toList();
    }
}
