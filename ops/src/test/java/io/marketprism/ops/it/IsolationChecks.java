package io.marketprism.ops.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.topology.MarketPrismService;
import java.time.Duration;
import java.util.Collection;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What every fault-isolation integration test ends with: each task id in exactly one terminal record under
 * read_committed, no transaction left open on any output partition, and the instance's stream threads alive, none
 * failed or replaced, no task's handling failed.
 */
final class IsolationChecks {

    private IsolationChecks() {
    }

    /**
     * Waits until every expected task id has a terminal record and no output partition has an open transaction, then
     * asserts that each has exactly one and nothing else has any.
     *
     * @return the terminal records, for the test's own assertions
     */
    static TerminalRecords awaitEachTaskEndedOnce(String bootstrap, Collection<String> expected, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() ->
                TerminalRecords.read(bootstrap).missing(expected).isEmpty());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                KafkaChecks.openTransactionLag(bootstrap, Workloads.OUTPUT_TOPICS).isEmpty());
        TerminalRecords terminal = TerminalRecords.read(bootstrap);
        assertThat(terminal.missing(expected)).as("tasks without a terminal record").isEmpty();
        assertThat(terminal.duplicated()).as("tasks with more than one terminal record").isEmpty();
        assertThat(terminal.unexpected(expected)).as("terminal records of tasks never sent").isEmpty();
        assertThat(terminal.deadLettered(DeadLetterReason.PROCESSING_ERROR)).as("tasks whose handling failed")
                .isEmpty();
        return terminal;
    }

    /** The instance runs with every stream thread it started: none died (and was replaced), no task's handling failed. */
    static void assertThreadsAlive(MarketPrismService service) {
        KafkaStreams streams = service.streams();
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(KafkaChecks.failedStreamThreads(streams)).as("failed stream threads").isZero();
        assertThat(ServiceScrape.of(service).sum("marketprism_processing_failures_total", ""))
                .as("failures while handling a task").isZero();
    }
}
