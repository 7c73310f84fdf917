package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.ops.bench.BenchmarkSettings.Phase;
import io.marketprism.ops.tools.TaskFormat;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

    @Test
    void shouldDefaultToTheDocumentedSettings() {
        assertThat(parse().settings()).isEqualTo(BenchmarkSettings.ofDefaults());
    }

    @Test
    void shouldReadEveryOptionCaseInsensitively() {
        BenchmarkSettings settings = parse("--tasks", "1000", "--warmup", "0", "--partitions", "3", "--format", "AVRO",
                "--phases", "Pipeline", "--set", "execution.max.in.flight.per.endpoint=32", "--timeout-seconds", "60")
                .settings();

        assertThat(settings).isEqualTo(new BenchmarkSettings(1000, 0, 3, TaskFormat.AVRO,
                EnumSet.of(Phase.PIPELINE), Map.of("execution.max.in.flight.per.endpoint", "32"),
                Duration.ofSeconds(60)));
    }

    @Test
    void shouldRejectAnUnknownFormatListingTheAllowedOnes() {
        BenchCommand command = parse("--format", "csv");

        assertThatThrownBy(command::settings)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--format: 'csv' is not one of [json, avro]");
    }

    @Test
    void shouldRejectAnUnknownPhaseListingTheAllowedOnes() {
        BenchCommand command = parse("--phases", "ceiling,latency");

        assertThatThrownBy(command::settings).hasMessage("--phases: 'latency' is not one of [ceiling, pipeline]");
    }

    private static BenchCommand parse(String... args) {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }
}
