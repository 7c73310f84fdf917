package io.marketprism.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.balancer.EjectionReason;
import io.marketprism.reliability.breaker.BreakerState;
import io.marketprism.reliability.breaker.TransitionCause;
import io.marketprism.reliability.engine.ReliabilityEvent;
import io.marketprism.reliability.state.StateKind;
import io.marketprism.reliability.limiter.ShedReason;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.ErrorClass;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.metrics.ReliabilityMetrics.TaskEnd;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReliabilityMetricsTest {

    private static final String SPOT = "binance.spot.direct";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ServiceConfig config = ServiceConfig.builder().exchanges(java.util.List.of("binance", "okx"))
            .exchange("binance-spot", "api=http://127.0.0.1:1/a,api1=http://127.0.0.1:1/b")
            .exchange("okx", "www=http://127.0.0.1:1/c")
            .build();
    private final ReliabilityMetrics metrics = new ReliabilityMetrics(registry, config);

    @Test
    void shouldRegisterEveryEndpointAndPriorityMeterBeforeAnyTraffic() {
        assertThat(registry.find(MetricNames.BALANCER_PICKS).counters())
                .extracting(c -> c.getId().getTag(MetricNames.TAG_EXCHANGE) + "/" + c.getId().getTag(MetricNames.TAG_ENDPOINT))
                .containsExactlyInAnyOrder("binance-spot/api", "binance-spot/api1", "binance-usdm/fapi",
                        "binance-coinm/dapi", "okx/www");
        assertThat(registry.find(MetricNames.QUEUE_DEPTH).tag(MetricNames.TAG_DOMAIN, SPOT).gauges()).hasSize(4);
        assertThat(registry.find(MetricNames.QUEUE_DEPTH).gauges())
                .extracting(g -> g.getId().getTag(MetricNames.TAG_DOMAIN)).as("one domain per limit group and route")
                .containsOnly("binance.spot.direct", "binance.usdm.direct", "binance.usdm-futures-data.direct",
                        "binance.coinm.direct", "okx.books.direct", "okx.trades.direct", "okx.ticker.direct",
                        "okx.candles.direct", "okx.funding-rate.direct", "okx.open-interest.direct",
                        "okx.long-short-ratio.direct");
        assertThat(registry.find(MetricNames.LIMITER_WINDOW_USAGE).tag(MetricNames.TAG_DOMAIN, SPOT).gauges())
                .extracting(g -> g.getId().getTag(MetricNames.TAG_WINDOW))
                .containsExactlyInAnyOrder("weight:6000/60600", "requests:300000/303000");
        assertThat(registry.find(MetricNames.LIMITER_WINDOW_USAGE).tag(MetricNames.TAG_DOMAIN, "binance.usdm.direct")
                .gauges()).as("futures are budgeted apart from spot")
                .extracting(g -> g.getId().getTag(MetricNames.TAG_WINDOW)).containsExactly("weight:2400/60600");
        assertThat(registry.find(MetricNames.LIMITER_WINDOW_USAGE).tag(MetricNames.TAG_DOMAIN, SPOT).gauges())
                .allSatisfy(g -> assertThat(g.getId().getTag(MetricNames.TAG_EXCHANGE)).isEqualTo("binance-spot"));
        assertThat(registry.find(MetricNames.DEAD_LETTERS).tag(MetricNames.TAG_EXCHANGE, MetricNames.UNKNOWN)
                .counters()).hasSize(DeadLetterReason.values().length);
    }

    @Test
    void shouldCountFinishedCallsByOutcomeAndErrorClass() {
        // Given two successes, a timeout and a server error on binance/api1
        metrics.onCallFinished("binance-spot/api1", null, 12);
        metrics.onCallFinished("binance-spot/api1", null, 8);
        metrics.onCallFinished("binance-spot/api1", ErrorClass.TIMEOUT, 5000);
        metrics.onCallFinished("binance-spot/api1", ErrorClass.SERVER, 40);

        // Then each lands in its own series and the latency timer saw all four
        assertThat(calls("success", "none")).isEqualTo(2);
        assertThat(calls("timeout", "TIMEOUT")).isEqualTo(1);
        assertThat(calls("failure", "SERVER")).isEqualTo(1);
        assertThat(registry.get(MetricNames.CALL_LATENCY).tag(MetricNames.TAG_ENDPOINT, "api1").timer().count())
                .isEqualTo(4);
        assertThat(registry.get(MetricNames.CALL_LATENCY).tag(MetricNames.TAG_ENDPOINT, "api").timer().count())
                .isZero();
    }

    @Test
    void shouldCountResultsRetriesAndDeadLettersPerExchange() {
        metrics.onResult("okx", io.marketprism.schemas.Priority.HIGH, 250);
        metrics.onRetry("okx", ErrorClass.NETWORK);
        metrics.onDeadLetter(null, DeadLetterReason.MALFORMED);
        metrics.onDeadLetter("okx", DeadLetterReason.SHED);

        assertThat(registry.get(MetricNames.RESULTS).tags("exchange", "okx", "priority", "HIGH").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(MetricNames.TASK_LATENCY).tags("exchange", "okx", "priority", "HIGH").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
        assertThat(registry.get(MetricNames.RETRIES).tags("exchange", "okx", "error_class", "NETWORK",
                "strategy", "EXPONENTIAL").counter().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.DEAD_LETTERS).tags("exchange", "unknown", "reason", "MALFORMED")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.DEAD_LETTERS).tags("exchange", "okx", "reason", "SHED")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void shouldCountProbesByEndpointAndResult() {
        metrics.onProbe("binance-spot/api", false);
        metrics.onProbe("binance-spot/api", true);
        metrics.onProbe("binance-spot/api", true);

        assertThat(probes("api", MetricNames.OK)).isEqualTo(2);
        assertThat(probes("api", MetricNames.FAILED)).isEqualTo(1);
        assertThat(probes("api1", MetricNames.OK)).isZero();
    }

    @Test
    void shouldMoveBreakerStateGaugeAndCountTransitionOnBreakerEvent() {
        metrics.onEvent(new ReliabilityEvent.BreakerTransitioned(1_000, "binance-spot", "api", BreakerState.CLOSED,
                BreakerState.OPEN, TransitionCause.FAILURE_RATE));

        assertThat(registry.get(MetricNames.BREAKER_STATE).tag(MetricNames.TAG_ENDPOINT, "api").gauge().value())
                .isEqualTo(1.0);
        assertThat(registry.get(MetricNames.BREAKER_TRANSITIONS).tags("from", "CLOSED", "to", "OPEN").counter()
                .count()).isEqualTo(1);
    }

    @Test
    void shouldCountShedsBansAndRateCutsOfTheDomain() {
        metrics.onEvent(new ReliabilityEvent.TaskShed(1, "binance-spot", SPOT, "t", Priority.LOW, ShedReason.QUEUE_FULL));
        metrics.onEvent(new ReliabilityEvent.BanStarted(1, "binance-spot", SPOT, 120_000, 418));
        metrics.onEvent(new ReliabilityEvent.RateCut(1, "binance-spot", SPOT, 1.0, 0.5));

        assertThat(registry.get(MetricNames.SHEDS).tags("domain", SPOT, "reason", "QUEUE_FULL").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(MetricNames.BANS).tag("domain", SPOT).counter().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.BANS).tag("domain", "binance.usdm.direct").counter().count())
                .as("a ban of spot is not one of futures").isZero();
        assertThat(registry.get(MetricNames.BANNED_UNTIL).tag("domain", SPOT).gauge().value()).isEqualTo(120.0);
        assertThat(registry.get(MetricNames.LIMITER_RATE_FACTOR).tag("domain", SPOT).gauge().value())
                .isEqualTo(0.5);
    }

    @Test
    void shouldCountClockSkewAndDiscardedStateByComponent() {
        metrics.onEvent(new ReliabilityEvent.ClockSkewed(1, "binance-spot", "binance-spot/api", StateKind.BREAKER,
                3_000_000));
        metrics.onEvent(new ReliabilityEvent.ClockSkewed(2, "binance-spot", "binance-spot/api1", StateKind.BREAKER,
                3_000_000));
        metrics.onEvent(new ReliabilityEvent.StateDiscarded(3, "binance-spot", SPOT, StateKind.LIMITER, "format 1"));

        assertThat(registry.get(MetricNames.CLOCK_SKEW_EVENTS).tags("exchange", "binance-spot", "component", "BREAKER")
                .counter().count()).isEqualTo(2);
        assertThat(registry.get(MetricNames.STATE_DISCARDED).tags("exchange", "binance-spot", "component", "LIMITER")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void shouldReadNanForDomainsNoProcessorOwnsAnyMore() {
        // Given a published queue depth and in-flight count
        metrics.publishQueueDepth(SPOT, Priority.HIGH, 7);
        metrics.publishInFlight("binance-spot/api", 3);
        metrics.publishQueueDepth("okx.trades.direct", Priority.LOW, 2);
        metrics.publishInFlight("okx/www", 1);
        assertThat(depthOf(SPOT, "HIGH")).isEqualTo(7);

        // When the owning processor closes
        metrics.forget(List.of(SPOT));

        // Then the gauges of the domain and of its host set's endpoints no longer claim a value, others are untouched
        assertThat(depthOf(SPOT, "HIGH")).isNaN();
        assertThat(registry.get(MetricNames.ENDPOINT_IN_FLIGHT).tag("endpoint", "api").gauge().value()).isNaN();
        assertThat(depthOf("okx.trades.direct", "LOW")).isEqualTo(2);
        assertThat(registry.get(MetricNames.ENDPOINT_IN_FLIGHT).tag("endpoint", "www").gauge().value()).isEqualTo(1);
    }

    @Test
    void shouldCountTerminalOutcomesByWhetherTheyCameByTheDeadline() {
        Instant deadline = Instant.ofEpochMilli(10_000);
        metrics.onTerminal("okx", DataType.TICKER, TaskEnd.RESULT, deadline, 10_000);
        metrics.onTerminal("okx", DataType.TICKER, TaskEnd.RESULT, deadline, 10_001);
        metrics.onTerminal("okx", DataType.TICKER, TaskEnd.RESULT, null, 99_999);
        metrics.onTerminal("okx", DataType.TICKER, TaskEnd.DEAD_LETTER, deadline, 20_000);
        metrics.onTerminal("kraken", DataType.TRADES, TaskEnd.REJECTED, null, 1);

        assertThat(terminal("okx", "TICKER", "result", "met")).isEqualTo(1);
        assertThat(terminal("okx", "TICKER", "result", "missed")).isEqualTo(1);
        assertThat(terminal("okx", "TICKER", "result", "none")).isEqualTo(1);
        assertThat(terminal("okx", "TICKER", "dead_letter", "missed")).isEqualTo(1);
        assertThat(terminal("unknown", "TRADES", "rejected", "none")).as("unconfigured exchange").isEqualTo(1);
    }

    @Test
    void shouldCountAcceptedTasksAndRetriesReadBack() {
        metrics.onAccepted("binance", DataType.ORDER_BOOK);
        metrics.onAccepted("kraken", DataType.ORDER_BOOK);
        metrics.onRetryRead("binance");

        assertThat(registry.get(MetricNames.TASKS_ACCEPTED).tags("exchange", "binance", "data_type", "ORDER_BOOK")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.TASKS_ACCEPTED).tags("exchange", "unknown", "data_type", "ORDER_BOOK")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.RETRIES_READ).tag("exchange", "binance").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldMeasureABreakerOutageFromFirstOpeningToClosingThroughFailedProbes() {
        // Given a breaker that opens, fails its half-open probes once, then closes 64 s after it first opened
        transition("api", BreakerState.CLOSED, BreakerState.OPEN, 1_000);
        transition("api", BreakerState.OPEN, BreakerState.HALF_OPEN, 31_000);
        transition("api", BreakerState.HALF_OPEN, BreakerState.OPEN, 31_500);
        transition("api", BreakerState.OPEN, BreakerState.HALF_OPEN, 62_000);
        transition("api", BreakerState.HALF_OPEN, BreakerState.CLOSED, 65_000);

        // Then one outage of 64 s is recorded, in the bucket above a minute
        Timer recovery = registry.get(MetricNames.BREAKER_RECOVERY).tag("endpoint", "api").timer();
        assertThat(recovery.count()).isEqualTo(1);
        assertThat(recovery.totalTime(TimeUnit.SECONDS)).isEqualTo(64);
        assertThat(bucket(recovery, 60)).isZero();
        assertThat(bucket(recovery, 120)).isEqualTo(1);
    }

    @Test
    void shouldNotMeasureOutagesAnOperatorForcedOrThatSpanALostPartition() {
        transition("api", BreakerState.CLOSED, BreakerState.FORCED_OPEN, 0);
        transition("api", BreakerState.FORCED_OPEN, BreakerState.CLOSED, 5_000);
        transition("api1", BreakerState.CLOSED, BreakerState.OPEN, 0);
        metrics.forget(List.of(SPOT));
        transition("api1", BreakerState.HALF_OPEN, BreakerState.CLOSED, 40_000);

        assertThat(registry.get(MetricNames.BREAKER_RECOVERY).timers()).allSatisfy(t -> assertThat(t.count()).isZero());
    }

    @Test
    void shouldMeasureEjectionsAndBansFromTheirFirstStartToTheirEnd() {
        // Given an ejection prolonged by a failed probe, and a ban extended once
        metrics.onEvent(new ReliabilityEvent.EndpointEjected(0, "binance-spot", "api",
                EjectionReason.CONSECUTIVE_FAILURES, 30_000));
        metrics.onEvent(new ReliabilityEvent.EndpointEjected(30_000, "binance-spot", "api", EjectionReason.PROBE_FAILED,
                90_000));
        metrics.onEvent(new ReliabilityEvent.EndpointRestored(95_000, "binance-spot", "api"));
        metrics.onEvent(new ReliabilityEvent.BanStarted(0, "binance-spot", SPOT, 60_000, 418));
        metrics.onEvent(new ReliabilityEvent.BanStarted(10_000, "binance-spot", SPOT, 120_000, 418));
        metrics.onEvent(new ReliabilityEvent.BanEnded(120_000, "binance-spot", SPOT));

        // Then each is one recovery of its whole length
        Timer ejection = registry.get(MetricNames.ENDPOINT_RECOVERY).tag("endpoint", "api").timer();
        assertThat(ejection.count()).isEqualTo(1);
        assertThat(ejection.totalTime(TimeUnit.SECONDS)).isEqualTo(95);
        Timer ban = registry.get(MetricNames.BAN_DURATION).tag("domain", SPOT).timer();
        assertThat(ban.count()).isEqualTo(1);
        assertThat(ban.totalTime(TimeUnit.SECONDS)).isEqualTo(120);
        assertThat(registry.get(MetricNames.ENDPOINT_EJECTED).tag("endpoint", "api").gauge().value()).isZero();
    }

    @Test
    void shouldPublishHeldAndDispatchedTasksAndTheQueueCapacityOfEachDomain() {
        String books = "okx.books.direct";
        assertThat(registry.get(MetricNames.TASKS_HELD).tag("domain", books).gauge().value()).isNaN();

        metrics.publishHeldAndDispatched(books, 4, 9);

        assertThat(registry.get(MetricNames.TASKS_HELD).tag("domain", books).gauge().value()).isEqualTo(4);
        assertThat(registry.get(MetricNames.TASKS_DISPATCHED).tag("domain", books).gauge().value()).isEqualTo(9);
        assertThat(registry.get(MetricNames.QUEUE_CAPACITY).tag("domain", books).gauge().value()).isEqualTo(10_000);
        metrics.forget(List.of(books));
        assertThat(registry.get(MetricNames.TASKS_DISPATCHED).tag("domain", books).gauge().value()).isNaN();
        assertThat(registry.get(MetricNames.QUEUE_CAPACITY).tag("domain", books).gauge().value())
                .as("configuration, not state").isEqualTo(10_000);
    }

    private void transition(String endpoint, BreakerState from, BreakerState to, long at) {
        metrics.onEvent(new ReliabilityEvent.BreakerTransitioned(at, "binance-spot", endpoint, from, to,
                TransitionCause.FAILURE_RATE));
    }

    private static double bucket(Timer timer, int seconds) {
        return java.util.Arrays.stream(timer.takeSnapshot().histogramCounts())
                .filter(b -> b.bucket(TimeUnit.SECONDS) == seconds).findFirst().orElseThrow().count();
    }

    private double terminal(String exchange, String dataType, String outcome, String deadline) {
        return registry.get(MetricNames.TASKS_TERMINAL).tags("exchange", exchange, "data_type", dataType,
                "outcome", outcome, "deadline", deadline).counter().count();
    }

    private double probes(String endpoint, String result) {
        return registry.get(MetricNames.PROBES).tags("exchange", "binance-spot", "endpoint", endpoint, "result", result)
                .counter().count();
    }

    private double calls(String outcome, String errorClass) {
        return registry.get(MetricNames.CALLS).tags("endpoint", "api1", "outcome", outcome, "error_class", errorClass)
                .counter().count();
    }

    private double depthOf(String domain, String priority) {
        return registry.get(MetricNames.QUEUE_DEPTH).tags("domain", domain, "priority", priority).gauge().value();
    }
}
