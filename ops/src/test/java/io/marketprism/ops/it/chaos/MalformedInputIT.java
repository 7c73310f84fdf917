package io.marketprism.ops.it.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.chaos.ChaosSuite;
import io.marketprism.ops.chaos.MalformedInput;
import io.marketprism.ops.chaos.Scale;
import io.marketprism.ops.chaos.ScenarioReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Scenario 8 of the chaos suite, reduced: random bytes, truncated Avro, unknown fingerprints, wrong types, missing
 * fields, deeply nested JSON, invalid UTF-8, empty and 1 MB values among 1,000 good tasks. Each bad record ends in one
 * dead letter with its reason, every good task in a result, and no stream thread dies.
 */
class MalformedInputIT {

    @Test
    void shouldDeadLetterEveryBadRecordWithItsReasonAndProcessEveryGoodTask() throws Exception {
        ScenarioReport report = ChaosSuite.run(new MalformedInput(), Scale.FAST, 8,
                Path.of("target", "it-logs", "chaos"), new PrintWriter(System.err, true));

        assertThat(report.verdict().exactlyOnce()).as(report.verdict().summary()).isTrue();
        assertThat(report.failures()).isEmpty();
        assertThat(report.verdict().results()).isEqualTo(1_000);
        assertThat(report.verdict().deadLettered()).isEqualTo(45);
    }
}
