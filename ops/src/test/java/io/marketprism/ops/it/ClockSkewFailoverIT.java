package io.marketprism.ops.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.exec.HttpTaskExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance whose clock runs 50 minutes ahead serves every exchange with its real budgets (OKX: 20 calls per 2 s),
 * saving breaker and limiter state stamped with its clock; then it stops and an instance with a correct clock takes
 * over on another machine. Tasks, including ones with a 40-minute deadline, flow again within seconds: the saved
 * instants from the future do not hold them until the skewed instant.
 *
 * <p>50 minutes, not a full hour: the broker refuses records stamped more than
 * {@code log.message.timestamp.after.max.ms} (1 h by default in Kafka 4) ahead of its own clock, and records produced
 * in a punctuation carry the instance's clock.
 */
class ClockSkewFailoverIT {

    private static final Duration SKEW = Duration.ofMinutes(50);
    private static final int TASKS_PER_WAVE = 60;
    private static final Duration FLOWING_AGAIN_WITHIN = Duration.ofSeconds(20);
    private static final String APPLICATION_ID = "clock-skew-it";

    @TempDir
    Path dir;

    @Test
    @Disabled("needs the clock-skew clamp of issue 9 bug 4: today every task after the failover is dead-lettered"
            + " EXPIRED, 'NO_ENDPOINT until <the skewed instant>, after the deadline'")
    void shouldLetTasksFlowWithinSecondsAfterFailoverFromAnInstanceWhoseClockRanAhead() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().port(0).seed(29).build().start()) {
            String bootstrap = kafka.bootstrapServers();
            Map<String, String> settings = Workloads.simulatedEndpoints(exchange);
            settings.put("topic.partitions", "3");
            settings.put("kafka.session.timeout.ms", "6000");
            settings.put("kafka.heartbeat.interval.ms", "1000");

            // Given an instance running ahead that served every exchange
            ServiceConfig ahead = Workloads.serviceConfig(settings, bootstrap, APPLICATION_ID, dir.resolve("ahead"));
            Set<String> first = wave("ahead");
            try (MarketPrismService skewed = new MarketPrismService(ahead, new HttpTaskExecutor(
                    ahead.executionTimeout(), ahead.maxBodyBytes(), Clock.offset(Clock.systemUTC(), SKEW)),
                    new SkewedTime(SKEW))) {
                skewed.start();
                skewed.awaitRunning(Duration.ofSeconds(60));
                Workloads.produce(bootstrap, ahead.topics().tasks(), tasks(first, null), true);
                IsolationChecks.awaitEachTaskEndedOnce(bootstrap, first, Duration.ofMinutes(1));
                IsolationChecks.assertThreadsAlive(skewed);
            }

            // When it stops and an instance with a correct clock, on another machine, takes over
            ServiceConfig correct = Workloads.serviceConfig(settings, bootstrap, APPLICATION_ID, dir.resolve("correct"));
            try (MarketPrismService failover = MarketPrismService.withHttp(correct)) {
                failover.start();
                failover.awaitRunning(Duration.ofSeconds(60));
                Instant tookOver = Instant.now();
                Set<String> second = wave("after");
                Workloads.produce(bootstrap, correct.topics().tasks(),
                        tasks(second, Instant.now().plus(Duration.ofMinutes(40))), true);

                // Then the new tasks, with their 40-minute deadlines, all have results within seconds
                Set<String> all = new TreeSet<>(first);
                all.addAll(second);
                await().atMost(FLOWING_AGAIN_WITHIN).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(TerminalRecords.read(bootstrap).missing(second))
                                .as("tasks without a terminal record %s after the failover",
                                        Duration.between(tookOver, Instant.now()))
                                .isEmpty());
                TerminalRecords terminal = IsolationChecks.awaitEachTaskEndedOnce(bootstrap, all,
                        Duration.ofSeconds(10));
                assertThat(terminal.deadLetters()).as("dead letters").extracting(d -> d.getReason() + ": " + d.getDetail())
                        .isEmpty();
                assertThat(terminal.succeeded()).containsAll(second);
                IsolationChecks.assertThreadsAlive(failover);
            }
        }
    }

    private static Set<String> wave(String prefix) {
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < TASKS_PER_WAVE; i++) {
            ids.add(prefix + "-" + i);
        }
        return ids;
    }

    /** The tasks of a wave: every exchange and data type in turn, each with {@code deadline} (null for none). */
    private static List<byte[]> tasks(Set<String> ids, Instant deadline) {
        List<byte[]> tasks = new ArrayList<>();
        int i = 0;
        for (String id : ids) {
            tasks.add(Workloads.task(id, i++, Workloads.tagged(id), deadline));
        }
        return tasks;
    }
}
