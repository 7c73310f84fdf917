package io.marketprism.reliability.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.balancer.BalancingStrategy;
import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.retry.BackoffStrategy;
import io.marketprism.reliability.retry.CallFailure;
import io.marketprism.reliability.retry.ErrorClassifier;
import io.marketprism.reliability.state.DomainId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReliabilityConfigTest {

    private static final DomainId BINANCE_SPOT = DomainId.of("binance", "spot", "direct");

    @Test
    void shouldProvideAProfilePerHostSetOfTheShippedDefinitions() {
        ReliabilityConfig config = ReliabilityConfig.ofDefaults();

        assertThat(config.exchangeNames())
                .containsExactly("binance-coinm", "binance-spot", "binance-usdm", "bybit", "deribit", "okx");
        assertThat(config.exchange("binance-spot").endpoints())
                .containsExactly("api", "api-gcp", "api1", "api2", "api3", "api4");
        assertThat(config.exchange("binance-usdm").endpoints()).containsExactly("fapi");
        assertThat(config.exchange("okx").limitGroups()).containsOnlyKeys("books", "trades", "ticker", "candles",
                "funding-rate", "open-interest", "long-short-ratio");
    }

    @Test
    void shouldBudgetEachDomainByItsLimitGroup() {
        ReliabilityConfig config = ReliabilityConfig.ofDefaults();

        assertThat(config.exchange("binance-spot").limiterOf(BINANCE_SPOT).windows())
                .containsExactly(WindowLimit.weight(6000, 60_600), WindowLimit.requests(300_000, 303_000));
        assertThat(config.exchange("binance-usdm").limiterOf(DomainId.of("binance", "usdm", "direct")).windows())
                .containsExactly(WindowLimit.weight(2400, 60_600));
        assertThat(config.exchange("okx").limiterOf(DomainId.of("okx", "books", "direct")).windows())
                .containsExactly(WindowLimit.requests(40, 2_020).withSlots(184));
        assertThat(config.exchange("okx").limiterOf(DomainId.of("okx", "ticker", "proxy-1")).windows())
                .containsExactly(WindowLimit.requests(20, 2_020).withSlots(184));
        assertThat(config.exchange("deribit").limiterOf(DomainId.of("deribit", "non-matching-engine", "direct"))
                .windows()).containsExactly(WindowLimit.requests(100, 5_050).withSlots(195));
    }

    @Test
    void shouldRefuseADomainThatNamesNoLimitGroupOfTheProfile() {
        ExchangeProfile okx = ReliabilityConfig.ofDefaults().exchange("okx");

        assertThatThrownBy(() -> okx.limiterOf(DomainId.of("okx", "spot", "direct")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("domain okx.spot.direct names no limit group of okx; groups: [books,");
        assertThatThrownBy(() -> okx.limiterOf(new DomainId("okx")))
                .hasMessageStartingWith("domain okx names no limit group of okx");
    }

    @Test
    void shouldKeepTheProfilesOwnLimiterForAProfileWithoutLimitGroups() {
        ExchangeProfile byHand = ExchangeProfile.builder("ex", "a").build();

        assertThat(byHand.limiterOf(new DomainId("ex"))).isSameAs(byHand.limiter());
    }

    @Test
    void shouldWeighBinanceOrderBooksByDepthLimitPerHostSet() {
        ExchangeProfile spot = ReliabilityConfig.ofDefaults().exchange("binance-spot");
        ExchangeProfile usdm = ReliabilityConfig.ofDefaults().exchange("binance-usdm");

        assertThat(spot.weightOf("ORDER_BOOK", Map.of())).isEqualTo(5);
        assertThat(spot.weightOf("ORDER_BOOK", Map.of("limit", "100"))).isEqualTo(5);
        assertThat(spot.weightOf("ORDER_BOOK", Map.of("limit", "101"))).isEqualTo(25);
        assertThat(spot.weightOf("ORDER_BOOK", Map.of("limit", "500"))).isEqualTo(25);
        assertThat(spot.weightOf("ORDER_BOOK", Map.of("limit", "1000"))).isEqualTo(50);
        assertThat(spot.weightOf("ORDER_BOOK", Map.of("limit", "5000"))).isEqualTo(250);
        assertThat(spot.weightOf("ORDER_BOOK", Map.of("limit", "lots"))).isEqualTo(250);
        assertThat(usdm.weightOf("ORDER_BOOK", Map.of("limit", "50"))).isEqualTo(2);
        assertThat(usdm.weightOf("ORDER_BOOK", Map.of("limit", "500"))).isEqualTo(10);
        assertThat(usdm.weightOf("ORDER_BOOK", Map.of("limit", "1000"))).isEqualTo(20);
    }

    @Test
    void shouldWeighBinanceTradesTickersFundingAndOpenInterest() {
        ExchangeProfile spot = ReliabilityConfig.ofDefaults().exchange("binance-spot");
        ExchangeProfile usdm = ReliabilityConfig.ofDefaults().exchange("binance-usdm");

        assertThat(spot.weightOf("TRADES", Map.of())).isEqualTo(25);
        assertThat(spot.weightOf("TICKER", Map.of("symbol", "BTCUSDT"))).isEqualTo(2);
        assertThat(spot.weightOf("TICKER", Map.of("symbols", "[\"BTCUSDT\",\"ETHUSDT\",\"BNBUSDT\"]")))
                .isEqualTo(2);
        assertThat(usdm.weightOf("TRADES", Map.of())).isEqualTo(5);
        assertThat(usdm.weightOf("funding_rate", Map.of())).isEqualTo(1);
        assertThat(usdm.weightOf("OPEN_INTEREST", Map.of())).isEqualTo(1);
    }

    @Test
    void shouldWeighEveryOkxAndDeribitRequestOne() {
        ReliabilityConfig config = ReliabilityConfig.ofDefaults();

        assertThat(config.exchange("okx").weightOf("ORDER_BOOK", Map.of("sz", "400"))).isEqualTo(1);
        assertThat(config.exchange("deribit").weightOf("TRADES", Map.of())).isEqualTo(1);
    }

    @Test
    void shouldEqualDefaultsWhenMapIsEmpty() {
        ReliabilityConfig fromMap = ReliabilityConfig.fromMap(Map.of());
        ReliabilityConfig defaults = ReliabilityConfig.ofDefaults();

        assertThat(fromMap.exchangeNames()).isEqualTo(defaults.exchangeNames());
        assertThat(fromMap.exchange("binance-spot").limiterOf(BINANCE_SPOT).windows())
                .isEqualTo(defaults.exchange("binance-spot").limiterOf(BINANCE_SPOT).windows());
        assertThat(fromMap.exchange("okx").breaker().toString())
                .isEqualTo(defaults.exchange("okx").breaker().toString());
    }

    @Test
    void shouldApplyGlobalKeysToEveryExchangeAndExchangeKeysAfterThem() {
        ReliabilityConfig config = ReliabilityConfig.fromMap(Map.of(
                "breaker.failure.rate.threshold", "30",
                "breaker.wait.in.open.ms", "5000",
                "exchange.okx.breaker.wait.in.open.ms", "7000",
                "retry.strategy", "fibonacci",
                "retry.max.attempts", "3",
                "balancer.strategy", "LEAST_IN_FLIGHT",
                "exchange.deribit.balancer.strategy", "ROUND_ROBIN",
                "limiter.queue.capacity", "50",
                "exchange.binance-usdm.limiter.queue.capacity", "70"));

        assertThat(config.exchange("binance-spot").breaker().failureRateThreshold()).isEqualTo(30f);
        assertThat(config.exchange("binance-spot").breaker().waitInOpenMillis()).isEqualTo(5000);
        assertThat(config.exchange("okx").breaker().waitInOpenMillis()).isEqualTo(7000);
        assertThat(config.exchange("okx").retry().strategy()).isEqualTo(BackoffStrategy.FIBONACCI);
        assertThat(config.exchange("bybit").retry().maxAttempts()).isEqualTo(3);
        assertThat(config.exchange("binance-coinm").balancer().strategy())
                .isEqualTo(BalancingStrategy.LEAST_IN_FLIGHT);
        assertThat(config.exchange("deribit").balancer().strategy()).isEqualTo(BalancingStrategy.ROUND_ROBIN);
        assertThat(config.exchange("deribit").limiter().queueCapacity()).isEqualTo(50);
        assertThat(config.exchange("binance-usdm").limiterOf(DomainId.of("binance", "usdm", "direct"))
                .queueCapacity()).isEqualTo(70);
    }

    @Test
    void shouldKeepTheLimitGroupsBudgetsUnderLimiterKeys() {
        ReliabilityConfig config = ReliabilityConfig.fromMap(Map.of("exchange.binance-spot.limiter.critical.reserve",
                "0.2"));

        assertThat(config.exchange("binance-spot").limiterOf(BINANCE_SPOT).criticalReserveShare()).isEqualTo(0.2);
        assertThat(config.exchange("binance-spot").limiterOf(BINANCE_SPOT).windows())
                .containsExactly(WindowLimit.weight(6000, 60_600), WindowLimit.requests(300_000, 303_000));
    }

    @Test
    void shouldReadEndpointsWeightsAndClassificationPerExchange() {
        ReliabilityConfig config = ReliabilityConfig.fromMap(Map.of(
                "exchange.binance-spot.endpoints", "api, api4",
                "exchange.binance-spot.balancer.strategy", "ROUND_ROBIN",
                "exchange.binance-spot.weight.trades", "10",
                "exchange.binance-spot.error.code.-2011", "NON_RETRYABLE",
                "exchange.binance-spot.error.status.503", "RATE_LIMITED"));

        ExchangeProfile spot = config.exchange("binance-spot");
        assertThat(spot.endpoints()).containsExactly("api", "api4");
        assertThat(spot.balancer().strategy()).isEqualTo(BalancingStrategy.ROUND_ROBIN);
        assertThat(spot.weightOf("TRADES", Map.of())).isEqualTo(10);
        ErrorClassifier classifier = new ErrorClassifier(spot.classification());
        assertThat(classifier.classify(CallFailure.ofExchangeError(400, "-2011", "x")))
                .isEqualTo(ErrorClass.NON_RETRYABLE);
        assertThat(classifier.classify(CallFailure.ofStatus(503))).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(classifier.classify(CallFailure.ofExchangeError(429, "-1003", "busy")))
                .as("the definition's codes stay").isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(config.exchange("binance-usdm").weightOf("TRADES", Map.of())).isEqualTo(5);
    }

    @Test
    void shouldRefuseAFlatKeyForAnExchangeThatIsNotAHostSet() {
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("exchange.binance.retry.max.attempts", "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exchange.binance.* names no host set of an exchange definition (host sets:"
                        + " [binance-coinm, binance-spot, binance-usdm, bybit, deribit, okx]); a new exchange is a"
                        + " definition file (exchange.definitions)");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("exchange.kraken.endpoints", "api")))
                .hasMessageStartingWith("exchange.kraken.* names no host set of an exchange definition");
    }

    @Test
    void shouldRefuseTheFlatBudgetKeysThatLimitGroupsReplaced() {
        for (String key : List.of("limiter.windows", "exchange.okx.limiter.windows", "limiter.bucket.capacity",
                "exchange.binance-spot.limiter.refill.per.second",
                "exchange.binance-spot.limiter.used.weight.window.ms")) {
            assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of(key, "1")))
                    .as(key).hasMessageStartingWith("unknown configuration key '" + key + "'");
        }
    }

    @Test
    void shouldRefuseUnknownKeysNamingThemAndTheClosestKnownKeys() {
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("breaker.failure.rate.treshold", "50")))
                .hasMessage("unknown configuration key 'breaker.failure.rate.treshold';"
                        + " did you mean breaker.failure.rate.threshold?");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("exchange.okx.retry.max.atempts", "5")))
                .hasMessage("unknown configuration key 'exchange.okx.retry.max.atempts';"
                        + " did you mean exchange.okx.retry.max.attempts?");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("exchange.okx.limiter.speed", "5")))
                .hasMessageStartingWith("unknown configuration key 'exchange.okx.limiter.speed'; did you mean"
                        + " exchange.okx.limiter.");
    }

    @Test
    void shouldNameKeyValueAndRangeOfABadValue() {
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("breaker.failure.rate.threshold", "0.5")))
                .hasMessage("breaker.failure.rate.threshold must be in [1.0, 100.0], was 0.5");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("exchange.okx.retry.max.attempts", "many")))
                .hasMessage("exchange.okx.retry.max.attempts must be in [1, 1000], was 'many'");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("retry.strategy", "RANDOM")))
                .hasMessage("retry.strategy must be in {EXPONENTIAL, LINEAR, FIBONACCI, FIXED, ADAPTIVE},"
                        + " was 'RANDOM'");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("limiter.critical.reserve", "0.9")))
                .hasMessage("limiter.critical.reserve must be in [0.0, 0.5], was 0.9");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("exchange.binance-spot.weight.trades", "0")))
                .hasMessage("exchange.binance-spot.weight.trades must be in [1, 1000000], was 0");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("exchange.binance-spot.weight.trades", "lots")))
                .hasMessage("exchange.binance-spot.weight.trades must be N, PARAM:BOUND=N,...,*=N,"
                        + " count:PARAM:BOUND=N,...,*=N or each:PARAM=N,min=N, was 'lots'");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("balancer.dynamic.weights", "yes")))
                .hasMessage("balancer.dynamic.weights must be in {true, false}, was 'yes'");
    }

    @Test
    void shouldNameTheKeysWhenSettingsContradictEachOther() {
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(
                Map.of("exchange.okx.breaker.max.wait.in.open.ms", "10")))
                .hasMessage("exchange.okx.breaker: exchange.okx.breaker.max.wait.in.open.ms (10) must be >="
                        + " breaker.wait.in.open.ms (5000)");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of(
                "breaker.minimum.calls", "45", "exchange.binance-spot.breaker.window.calls", "40")))
                .hasMessage("exchange.binance-spot.breaker: breaker.minimum.calls (45) must not exceed"
                        + " exchange.binance-spot.breaker.window.calls (40) for a COUNT_BASED window");
    }

    @Test
    void shouldReplaceEndpointsKeepingOtherSettings() {
        ReliabilityConfig config = ReliabilityConfig.fromMap(Map.of("exchange.okx.balancer.strategy", "ROUND_ROBIN"))
                .withEndpoints("okx", List.of("eu", "us", "asia"));

        assertThat(config.exchange("okx").endpoints()).containsExactly("eu", "us", "asia");
        assertThat(config.exchange("okx").balancer().strategy()).isEqualTo(BalancingStrategy.ROUND_ROBIN);
        assertThat(config.exchange("okx").limitGroups()).containsKey("books");
        assertThatThrownBy(() -> config.withEndpoints("kraken", List.of("api")))
                .hasMessageStartingWith("exchange 'kraken' is not configured");
    }

    @Test
    void shouldReadTheClockSkewToleranceAndRefuseOneOutsideItsRange() {
        assertThat(ReliabilityConfig.ofDefaults().clockSkewToleranceMillis()).isEqualTo(5_000);
        assertThat(ReliabilityConfig.fromMap(Map.of("state.clock.skew.tolerance.ms", "250"))
                .clockSkewToleranceMillis()).isEqualTo(250);
        assertThat(ReliabilityConfig.ownsKey("state.clock.skew.tolerance.ms")).isTrue();
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("state.clock.skew.tolerance.ms", "-1")))
                .hasMessageContaining("state.clock.skew.tolerance.ms").hasMessageContaining("-1");
    }

    @Test
    void shouldDocumentEveryKeyWithTheDefinitionsDefaultsAndTheParsersRange() {
        String table = ReliabilityConfig.table().markdown();

        assertThat(ReliabilityConfig.table().keys()).hasSizeGreaterThan(30);
        for (ConfigKey<?> key : ReliabilityConfig.table().keys()) {
            assertThat(table).contains("| `" + key.name() + "` |");
        }
        assertThat(table).contains("| `[exchange.<name>.]breaker.failure.rate.threshold` | `50.0` | [1.0, 100.0] |");
        assertThat(table).contains("binance-spot: `api,api-gcp,api1,api2,api3,api4`; binance-usdm: `fapi`;")
                .contains("okx: `www,aws`");
        assertThat(table).doesNotContain("limiter.windows").doesNotContain("limiter.bucket.capacity");
    }

    @Test
    void shouldFindTheDeclarationOfEveryKeyFromMapAccepts() {
        ConfigTable table = ReliabilityConfig.table();

        assertThat(table.find("retry.max.attempts")).map(ConfigKey::name)
                .hasValue("[exchange.<name>.]retry.max.attempts");
        assertThat(table.find("exchange.okx.retry.max.attempts")).map(ConfigKey::name)
                .hasValue("[exchange.<name>.]retry.max.attempts");
        assertThat(table.find("exchange.binance-spot.error.exception.java.net.ConnectException"))
                .map(ConfigKey::name).hasValue("exchange.<name>.error.exception.<class>");
        assertThat(table.find("exchange.okx.limiter.speed")).isEmpty();
    }

    @Test
    void shouldAcceptEveryDocumentedDefaultAsValue() {
        ExchangeProfile spot = ReliabilityConfig.ofDefaults().exchange("binance-spot");
        Map<String, String> defaults = new TreeMap<>();
        for (Setting<?, ?> setting : Settings.BY_NAME.values()) {
            defaults.put("exchange.binance-spot." + setting.name, setting.valueIn(spot));
        }

        ExchangeProfile read = ReliabilityConfig.fromMap(defaults).exchange("binance-spot");

        for (Setting<?, ?> setting : Settings.BY_NAME.values()) {
            assertThat(setting.valueIn(read)).as(setting.name).isEqualTo(setting.valueIn(spot));
        }
    }

    @Test
    void shouldOwnOnlyItsOwnKeys() {
        assertThat(ReliabilityConfig.ownsKey("exchange.okx.endpoints")).isTrue();
        assertThat(ReliabilityConfig.ownsKey("retry.max.attempts")).isTrue();
        assertThat(ReliabilityConfig.ownsKey("bootstrap.servers")).isFalse();
    }
}
