package io.marketprism.reliability.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.balancer.BalancingStrategy;
import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.retry.BackoffStrategy;
import io.marketprism.reliability.retry.CallFailure;
import io.marketprism.reliability.retry.ErrorClassifier;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReliabilityConfigTest {

    @Test
    void shouldProvideBinanceOkxAndDeribitByDefault() {
        ReliabilityConfig config = ReliabilityConfig.ofDefaults();

        assertThat(config.exchangeNames()).containsExactly("binance", "deribit", "okx");
        assertThat(config.exchange("binance").endpoints()).containsExactly("api", "api1", "api2", "api3");
        assertThat(config.exchange("binance").limiter().windows())
                .containsExactly(WindowLimit.weight(6000, 60_000), WindowLimit.requests(1200, 60_000));
        assertThat(config.exchange("okx").limiter().windows()).containsExactly(WindowLimit.requests(20, 2_000));
        assertThat(config.exchange("deribit").limiter().windows()).containsExactly(WindowLimit.requests(20, 1_000));
    }

    @Test
    void shouldWeighBinanceOrderBooksByDepthLimit() {
        ExchangeProfile binance = ExchangeProfile.binance();

        assertThat(binance.weightOf("ORDER_BOOK", Map.of())).isEqualTo(5);
        assertThat(binance.weightOf("ORDER_BOOK", Map.of("limit", "100"))).isEqualTo(5);
        assertThat(binance.weightOf("ORDER_BOOK", Map.of("limit", "101"))).isEqualTo(25);
        assertThat(binance.weightOf("ORDER_BOOK", Map.of("limit", "500"))).isEqualTo(25);
        assertThat(binance.weightOf("ORDER_BOOK", Map.of("limit", "1000"))).isEqualTo(50);
        assertThat(binance.weightOf("ORDER_BOOK", Map.of("limit", "5000"))).isEqualTo(250);
        assertThat(binance.weightOf("ORDER_BOOK", Map.of("limit", "lots"))).isEqualTo(250);
    }

    @Test
    void shouldWeighBinanceTradesTickersFundingAndOpenInterest() {
        ExchangeProfile binance = ExchangeProfile.binance();

        assertThat(binance.weightOf("TRADES", Map.of())).isEqualTo(25);
        assertThat(binance.weightOf("TICKER", Map.of("symbol", "BTCUSDT"))).isEqualTo(2);
        assertThat(binance.weightOf("TICKER", Map.of("symbols", "[\"BTCUSDT\",\"ETHUSDT\",\"BNBUSDT\"]")))
                .isEqualTo(3);
        assertThat(binance.weightOf("funding_rate", Map.of())).isEqualTo(1);
        assertThat(binance.weightOf("OPEN_INTEREST", Map.of())).isEqualTo(1);
    }

    @Test
    void shouldWeighEveryOkxAndDeribitRequestOne() {
        assertThat(ExchangeProfile.okx().weightOf("ORDER_BOOK", Map.of("limit", "400"))).isEqualTo(1);
        assertThat(ExchangeProfile.deribit().weightOf("TRADES", Map.of())).isEqualTo(1);
    }

    @Test
    void shouldEqualDefaultsWhenMapIsEmpty() {
        ReliabilityConfig fromMap = ReliabilityConfig.fromMap(Map.of());

        assertThat(fromMap.exchange("binance").limiter().windows())
                .isEqualTo(ReliabilityConfig.ofDefaults().exchange("binance").limiter().windows());
        assertThat(fromMap.exchange("okx").breaker().toString())
                .isEqualTo(ReliabilityConfig.ofDefaults().exchange("okx").breaker().toString());
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
                "exchange.binance.limiter.windows", "weight:1200/60000,requests:100/10000"));

        assertThat(config.exchange("binance").breaker().failureRateThreshold()).isEqualTo(30f);
        assertThat(config.exchange("binance").breaker().waitInOpenMillis()).isEqualTo(5000);
        assertThat(config.exchange("okx").breaker().waitInOpenMillis()).isEqualTo(7000);
        assertThat(config.exchange("okx").retry().strategy()).isEqualTo(BackoffStrategy.FIBONACCI);
        assertThat(config.exchange("okx").retry().maxAttempts()).isEqualTo(3);
        assertThat(config.exchange("binance").balancer().strategy()).isEqualTo(BalancingStrategy.LEAST_IN_FLIGHT);
        assertThat(config.exchange("deribit").balancer().strategy()).isEqualTo(BalancingStrategy.ROUND_ROBIN);
        assertThat(config.exchange("deribit").limiter().queueCapacity()).isEqualTo(50);
        assertThat(config.exchange("binance").limiter().windows())
                .containsExactly(WindowLimit.weight(1200, 60_000), WindowLimit.requests(100, 10_000));
    }

    @Test
    void shouldReadEndpointsWeightsAndClassificationPerExchange() {
        ReliabilityConfig config = ReliabilityConfig.fromMap(Map.of(
                "exchange.binance.endpoints", "api, api4",
                "exchange.binance.balancer.strategy", "ROUND_ROBIN",
                "exchange.binance.weight.trades", "10",
                "exchange.binance.error.code.-2011", "NON_RETRYABLE",
                "exchange.binance.error.status.503", "RATE_LIMITED"));

        ExchangeProfile binance = config.exchange("binance");
        assertThat(binance.endpoints()).containsExactly("api", "api4");
        assertThat(binance.balancer().strategy()).isEqualTo(BalancingStrategy.ROUND_ROBIN);
        assertThat(binance.weightOf("TRADES", Map.of())).isEqualTo(10);
        ErrorClassifier classifier = new ErrorClassifier(binance.classification());
        assertThat(classifier.classify(CallFailure.ofExchangeError(400, "-2011", "x")))
                .isEqualTo(ErrorClass.NON_RETRYABLE);
        assertThat(classifier.classify(CallFailure.ofStatus(503))).isEqualTo(ErrorClass.RATE_LIMITED);
    }

    @Test
    void shouldAddAnExchangeWithoutPresetWhenItsEndpointsAreGiven() {
        ReliabilityConfig config = ReliabilityConfig.fromMap(Map.of(
                "exchange.bybit.endpoints", "api",
                "exchange.bybit.limiter.windows", "requests:600/5000",
                "exchange.bybit.limiter.used.weight.window.ms", "0"));

        assertThat(config.exchange("bybit").endpoints()).containsExactly("api");
        assertThat(config.exchange("bybit").limiter().windows()).containsExactly(WindowLimit.requests(600, 5_000));
    }

    @Test
    void shouldRefuseAnExchangeWithoutPresetOrEndpoints() {
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("exchange.bybit.retry.max.attempts", "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("exchange.bybit.endpoints is required for an exchange without a preset");
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
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("exchange.binance.weight.trades", "0")))
                .hasMessage("exchange.binance.weight.trades must be in [1, 1000000], was 0");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("exchange.binance.weight.trades", "lots")))
                .hasMessage("exchange.binance.weight.trades must be N, PARAM:BOUND=N,...,*=N or each:PARAM=N,min=N,"
                        + " was 'lots'");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("exchange.okx.limiter.windows", "requests:20")))
                .hasMessageStartingWith("exchange.okx.limiter.windows must be in 1..8 of weight|requests:LIMIT/MILLIS,"
                        + " was 'requests:20'");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("balancer.dynamic.weights", "yes")))
                .hasMessage("balancer.dynamic.weights must be in {true, false}, was 'yes'");
    }

    @Test
    void shouldNameTheKeysWhenSettingsContradictEachOther() {
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(
                Map.of("exchange.okx.breaker.max.wait.in.open.ms", "10")))
                .hasMessage("exchange.okx.breaker: exchange.okx.breaker.max.wait.in.open.ms (10) must be >="
                        + " breaker.wait.in.open.ms (30000)");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of(
                "breaker.minimum.calls", "60", "exchange.binance.breaker.window.calls", "40")))
                .hasMessage("exchange.binance.breaker: breaker.minimum.calls (60) must not exceed"
                        + " exchange.binance.breaker.window.calls (40) for a COUNT_BASED window");
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("exchange.okx.limiter.used.weight.window.ms", "5")))
                .hasMessageStartingWith("exchange.okx.limiter: exchange.okx.limiter.used.weight.window.ms 5 must be 0"
                        + " or the length of a WEIGHT window");
    }

    @Test
    void shouldRefuseExchangeOnlyKeysWithoutExchange() {
        assertThatThrownBy(() -> ReliabilityConfig.fromMap(Map.of("limiter.windows", "requests:5/1000")))
                .hasMessage("limiter.windows is set per exchange: use exchange.<name>.limiter.windows");
    }

    @Test
    void shouldReplaceEndpointsKeepingOtherSettings() {
        ReliabilityConfig config = ReliabilityConfig.fromMap(Map.of("exchange.okx.balancer.strategy", "ROUND_ROBIN"))
                .withEndpoints("okx", List.of("eu", "us", "asia"));

        assertThat(config.exchange("okx").endpoints()).containsExactly("eu", "us", "asia");
        assertThat(config.exchange("okx").balancer().strategy()).isEqualTo(BalancingStrategy.ROUND_ROBIN);
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
    void shouldDocumentEveryKeyWithThePresetsDefaultsAndTheParsersRange() {
        String table = ReliabilityConfig.table().markdown();

        assertThat(ReliabilityConfig.table().keys()).hasSizeGreaterThan(30);
        for (ConfigKey<?> key : ReliabilityConfig.table().keys()) {
            assertThat(table).contains("| `" + key.name() + "` |");
        }
        assertThat(table).contains("| `[exchange.<name>.]breaker.failure.rate.threshold` | `50.0` | [1.0, 100.0] |");
        assertThat(table).contains("binance: `weight:6000/60000,requests:1200/60000`; deribit: `requests:20/1000`;"
                + " okx: `requests:20/2000`");
    }

    @Test
    void shouldFindTheDeclarationOfEveryKeyFromMapAccepts() {
        ConfigTable table = ReliabilityConfig.table();

        assertThat(table.find("retry.max.attempts")).map(ConfigKey::name)
                .hasValue("[exchange.<name>.]retry.max.attempts");
        assertThat(table.find("exchange.okx.retry.max.attempts")).map(ConfigKey::name)
                .hasValue("[exchange.<name>.]retry.max.attempts");
        assertThat(table.find("exchange.binance.error.exception.java.net.ConnectException")).map(ConfigKey::name)
                .hasValue("exchange.<name>.error.exception.<class>");
        assertThat(table.find("exchange.okx.limiter.speed")).isEmpty();
    }

    @Test
    void shouldAcceptEveryDocumentedDefaultAsValue() {
        ExchangeProfile binance = ExchangeProfile.binance();
        Map<String, String> defaults = new TreeMap<>();
        for (Setting<?, ?> setting : Settings.BY_NAME.values()) {
            defaults.put("exchange.binance." + setting.name, setting.valueIn(binance));
        }

        ExchangeProfile read = ReliabilityConfig.fromMap(defaults).exchange("binance");

        for (Setting<?, ?> setting : Settings.BY_NAME.values()) {
            assertThat(setting.valueIn(read)).as(setting.name).isEqualTo(setting.valueIn(binance));
        }
    }

    @Test
    void shouldOwnOnlyItsOwnKeys() {
        assertThat(ReliabilityConfig.ownsKey("exchange.okx.endpoints")).isTrue();
        assertThat(ReliabilityConfig.ownsKey("retry.max.attempts")).isTrue();
        assertThat(ReliabilityConfig.ownsKey("bootstrap.servers")).isFalse();
    }
}
