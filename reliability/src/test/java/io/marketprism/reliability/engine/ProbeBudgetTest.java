package io.marketprism.reliability.engine;

import static io.marketprism.reliability.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.state.InMemoryStateStorage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Health probes cost budget on the exchange: a probe is charged to the domain of its host set's health group on its
 * route, which the tasks of every endpoint share, and is sent only when that domain's limiter admits it.
 */
class ProbeBudgetTest {

    private static final String DOMAIN = "ex.g.r1";
    private static final long WINDOW = 10_000;

    private final InMemoryWaitQueue queue = new InMemoryWaitQueue();
    /** Endpoints a and b, ejected after one failure for 1 s; 3 requests per 10 s (100 ms slots); probes charged to g. */
    private final DecisionEngine engine = new DecisionEngine(config(), new InMemoryStateStorage(), event -> { });

    private static ReliabilityConfig config() {
        ExchangeProfile ejecting = EngineFixture.configEjecting(1, 0.5, 1.0).exchange("ex");
        return ReliabilityConfig.of(ejecting.toBuilder()
                        .limiter(LimiterConfig.builder().bucketCapacity(1_000).refillPerSecond(1_000)
                                .windows(WindowLimit.requests(3, WINDOW).withSlots(100)).usedWeightWindowMillis(0)
                                .criticalReserveShare(0).queueCapacity(10).build())
                        .health("g", 1).build())
                .withDomains(Map.of(DOMAIN, "ex"));
    }

    private static TaskView task(String id) {
        return new TaskView(id, "ex", DOMAIN, "TRADES", Map.of(), Priority.NORMAL, null, 1, null, null, null, null);
    }

    @Test
    void shouldSendADueProbeOnlyOnceTheWindowTasksFilledHasRoomAndCountItThere() {
        // Given endpoint a ejected by a failed call, and two more calls filling the domain's window of 3
        Decision.Dispatch failed = (Decision.Dispatch) engine.decide(task("t1"), queue, T0);
        engine.record(CallReport.status(task("t1"), failed.endpoint(), 500, null, null, 5), T0);
        assertThat(engine.decide(task("t2"), queue, T0 + 500)).isInstanceOf(Decision.Dispatch.class);
        assertThat(engine.decide(task("t3"), queue, T0 + 500)).isInstanceOf(Decision.Dispatch.class);
        assertThat(engine.decide(task("t4"), queue, T0 + 500)).isInstanceOf(Decision.Queued.class);

        // When a's probe is due while the window is full, it is not sent
        for (long at = T0 + 1_000; at < T0 + WINDOW; at += 500) {
            assertThat(engine.probesDue(at)).as("probes due at %d", at).isEmpty();
        }

        // Then it is sent once t1 leaves the window, charged to the domain, and takes the room a task would have had
        long t1Left = T0 + WINDOW + 200;
        assertThat(engine.probesDue(t1Left))
                .containsExactly(new ProbeRequest("ex", failed.endpoint(), "r1", DOMAIN, 1));
        assertThat(engine.drain(DOMAIN, queue, t1Left)).as("the window holds t2, t3 and the probe").isEmpty();
    }

    @Test
    void shouldCountAnAnsweredProbeInTheWindowFromTheTimeItWasAnswered() {
        // Given a probe sent into a window of which it is the only call
        Decision.Dispatch failed = (Decision.Dispatch) engine.decide(task("t1"), queue, T0);
        engine.record(CallReport.status(task("t1"), failed.endpoint(), 500, null, null, 5), T0);
        long sentAt = T0 + WINDOW + 200;
        ProbeRequest probe = engine.probesDue(sentAt).get(0);

        // When its answer came 2 s after it was sent
        engine.countProbeAnswered(probe, sentAt, sentAt + 2_000, sentAt + 2_000);

        // Then it holds its place in the window until a window after its answer
        long afterSentWindow = sentAt + WINDOW + 200;
        assertThat(engine.decide(task("t2"), queue, afterSentWindow)).isInstanceOf(Decision.Dispatch.class);
        assertThat(engine.decide(task("t3"), queue, afterSentWindow)).isInstanceOf(Decision.Dispatch.class);
        assertThat(engine.decide(task("t4"), queue, afterSentWindow)).as("the probe still counts")
                .isInstanceOf(Decision.Queued.class);
    }
}
