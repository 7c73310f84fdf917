package io.marketprism.ops.it;

import static io.marketprism.ops.exchange.SimulatedExchange.Mode.LENIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.ops.chaos.ExchangeTraffic;
import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.exchange.ServedRequest;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 20,000 tasks against an exchange failing 30% of calls (5xx, resets, hangs, 429s and bans) with added latency:
 * every task ends in exactly one terminal record under read_committed, no transaction is left open, and once the
 * service has been told of a ban it sends nothing to that endpoint until the ban is over.
 */
class FaultyExchangeIT {

    private static final int TASKS = 20_000;
    /** Calls already on the wire when the first 418 of a ban arrives may still reach the exchange. */
    private static final Duration IN_FLIGHT_GRACE = Duration.ofMillis(300);

    @TempDir
    Path stateDir;

    @Test
    void shouldEndEveryTaskExactlyOnceAndRespectBansUnderHeavyFaults() throws Exception {
        FaultProfile faults = FaultProfile.builder()
                .errorRate(0.20)
                .connectionResetRate(0.03)
                .timeoutRate(0.02)
                .rateLimitRate(0.05)
                .retryAfterSeconds(0)
                .banAfter429s(40)
                .banDuration(Duration.ofSeconds(2))
                .fixedLatency(Duration.ofMillis(2))
                .randomLatencyUpTo(Duration.ofMillis(20))
                .hangLimit(Duration.ofSeconds(3))
                .build();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(30).faults(faults)
                     .handlerThreads(16).build().start()) {
            Properties props = new Properties();
            props.putAll(Workloads.generousSettings(exchange));
            props.put("bootstrap.servers", kafka.bootstrapServers());
            props.put("application.id", "faults-it");
            props.put("state.dir", stateDir.toString());
            props.put("topic.partitions", "3");
            props.put("execution.timeout.ms", "1000");
            // At 30 % faults breakers do open now and then; tasks then wait in the queue for the open wait (they are
            // no longer started past an open breaker, as dispatched calls waiting for a slot used to be), so the test
            // keeps the wait short: it is about exactly-once under faults, not about breaker timing.
            props.put("breaker.wait.in.open.ms", "1000");
            ServiceConfig config = ServiceConfig.fromProperties(props);
            String bootstrap = kafka.bootstrapServers();

            try (MarketPrismService service = MarketPrismService.withHttp(config)) {
                service.start();
                Set<String> expected = Workloads.produceTasks(bootstrap, config.topics().tasks(), TASKS, "fault");

                await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(2)).until(() ->
                        TerminalRecords.of(KafkaChecks.readCommitted(bootstrap, config.topics().results()),
                                KafkaChecks.readCommitted(bootstrap, config.topics().deadLetters()))
                                .missing(expected).isEmpty());
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        KafkaChecks.openTransactionLag(bootstrap, config.topics().all()).isEmpty());

                TerminalRecords terminal = TerminalRecords.of(
                        KafkaChecks.readCommitted(bootstrap, config.topics().results()),
                        KafkaChecks.readCommitted(bootstrap, config.topics().deadLetters()));
                assertThat(terminal.duplicated()).isEmpty();
                assertThat(terminal.unexpected(expected)).isEmpty();
                assertThat(terminal.total()).isEqualTo(TASKS);
                assertThat(new ExchangeTraffic(exchange.requests()).callsWhileBanned(IN_FLIGHT_GRACE)).isEmpty();
                assertThat(exchange.requests()).as("bans did happen").anyMatch(ServedRequest::banned);
            }
        }
    }
}
