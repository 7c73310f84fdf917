package io.marketprism.ops.it;

import static io.marketprism.ops.exchange.SimulatedExchange.Mode.LENIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.ops.exchange.FaultProfile;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance whose clock runs 50 minutes ahead serves the exchanges and saves what it decided, stamped with its
 * clock; then it stops and an instance with a correct clock takes over on another machine. Tasks flow again within
 * seconds: instants from the future in the saved state do not hold them until the skewed instant.
 *
 * <p>50 minutes, not a full hour: the broker refuses records stamped more than
 * {@code log.message.timestamp.after.max.ms} (1 h by default in Kafka 4) ahead of its own clock, and records produced
 * in a punctuation carry the instance's clock; an instance further ahead cannot write at all.
 */
class ClockSkewFailoverIT {

    private static final Duration SKEW = Duration.ofMinutes(50);
    private static final int TASKS_PER_WAVE = 60;
    private static final Duration FLOWING_AGAIN_WITHIN = Duration.ofSeconds(20);
    private static final String APPLICATION_ID = "clock-skew-it";

    @TempDir
    Path dir;

    @Test
    void shouldLetTasksFlowWithinSecondsAfterFailoverFromAnInstanceWhoseClockRanAhead() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(29).build().start()) {
            String bootstrap = kafka.bootstrapServers();
            // The exchanges' real budgets (OKX: 20 calls per 2 s), which the instance ahead stamps with its clock
            Map<String, String> settings = settings(Workloads.simulatedEndpoints(exchange));

            // Given an instance running ahead that served every exchange
            Set<String> first = wave("ahead");
            try (MarketPrismService ahead = instanceAhead(settings, bootstrap)) {
                ahead.start();
                ahead.awaitRunning(Duration.ofSeconds(60));
                Workloads.produce(bootstrap, "collector.tasks", tasks(first, null), true);
                IsolationChecks.awaitEachTaskEndedOnce(bootstrap, first, Duration.ofMinutes(1));
                IsolationChecks.assertThreadsAlive(ahead);
            }

            // When it stops and an instance with a correct clock takes over and is sent tasks with 40-minute deadlines
            try (MarketPrismService failover = MarketPrismService.withHttp(Workloads.serviceConfig(settings,
                    bootstrap, APPLICATION_ID, dir.resolve("correct")))) {
                failover.start();
                failover.awaitRunning(Duration.ofSeconds(60));
                Instant tookOver = Instant.now();
                Set<String> second = wave("after");
                Workloads.produce(bootstrap, "collector.tasks",
                        tasks(second, Instant.now().plus(Duration.ofMinutes(40))), true);

                // Then they all have results within seconds
                awaitEndedSoonAfter(bootstrap, second, tookOver);
                Set<String> all = new TreeSet<>(first);
                all.addAll(second);
                TerminalRecords terminal = IsolationChecks.awaitEachTaskEndedOnce(bootstrap, all,
                        Duration.ofSeconds(10));
                assertThat(terminal.deadLetters()).as("dead letters")
                        .extracting(d -> d.getReason() + ": " + d.getDetail()).isEmpty();
                IsolationChecks.assertThreadsAlive(failover);
            }
        }
    }

    @Test
    void shouldCallTheRetriesScheduledByAnInstanceAheadSoonAfterFailover() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(31)
                     .faults(FaultProfile.builder().errorRate(1.0).build()).build().start()) {
            String bootstrap = kafka.bootstrapServers();
            // Every first call fails; its retry is due three seconds later, by the clock of whoever decided it
            Map<String, String> settings = settings(Workloads.generousSettings(exchange));
            settings.put("retry.strategy", "FIXED");
            settings.put("retry.jitter", "NONE");
            settings.put("retry.base.delay.ms", "3000");
            settings.put("retry.max.delay.ms", "3000");
            settings.put("retry.budget.ratio", "1.0");

            // Given an instance running ahead whose calls failed and which scheduled their retries
            Set<String> tasks = new TreeSet<>();
            for (int i = 0; i < 9; i++) {
                tasks.add("retried-" + i);
            }
            try (MarketPrismService ahead = instanceAhead(settings, bootstrap)) {
                ahead.start();
                ahead.awaitRunning(Duration.ofSeconds(60));
                Workloads.produce(bootstrap, "collector.tasks", tasks(tasks, null), true);
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() ->
                        KafkaChecks.readCommitted(bootstrap, "collector.tasks.retry").size() >= tasks.size());
                IsolationChecks.assertThreadsAlive(ahead);
            }
            exchange.resetFaults();

            // When an instance with a correct clock takes over
            try (MarketPrismService failover = MarketPrismService.withHttp(Workloads.serviceConfig(settings,
                    bootstrap, APPLICATION_ID, dir.resolve("correct")))) {
                failover.start();
                failover.awaitRunning(Duration.ofSeconds(60));

                // Then the retries are made within seconds and succeed
                awaitEndedSoonAfter(bootstrap, tasks, Instant.now());
                TerminalRecords terminal = IsolationChecks.awaitEachTaskEndedOnce(bootstrap, tasks,
                        Duration.ofSeconds(10));
                assertThat(terminal.succeeded()).isEqualTo(tasks);
                IsolationChecks.assertThreadsAlive(failover);
            }
        }
    }

    /** {@code base} plus: three partitions, and a failover within seconds of a stop. */
    private static Map<String, String> settings(Map<String, String> base) {
        base.put("topic.partitions", "3");
        base.put("kafka.session.timeout.ms", "6000");
        base.put("kafka.heartbeat.interval.ms", "1000");
        return base;
    }

    /** An instance whose clock, Kafka Streams' and its HTTP calls', runs {@link #SKEW} ahead. */
    private MarketPrismService instanceAhead(Map<String, String> settings, String bootstrap) {
        ServiceConfig config = Workloads.serviceConfig(settings, bootstrap, APPLICATION_ID, dir.resolve("ahead"));
        return new MarketPrismService(config, new HttpTaskExecutor(config.routes(), config.executionTimeout(), config.maxBodyBytes(),
                Clock.offset(Clock.systemUTC(), SKEW)), new SkewedTime(SKEW));
    }

    private static void awaitEndedSoonAfter(String bootstrap, Set<String> ids, Instant tookOver) {
        await().atMost(FLOWING_AGAIN_WITHIN).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(TerminalRecords.read(bootstrap).missing(ids))
                        .as("tasks without a terminal record %s after the failover",
                                Duration.between(tookOver, Instant.now()))
                        .isEmpty());
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
