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
        BenchmarkSettings settings = parse("--tasks", "1000", "--ceiling-tasks", "5000", "--warmup", "0",
                "--partitions", "3", "--format", "AVRO", "--input-keys", "Task_Id", "--phases", "Pipeline",
                "--runs", "2", "--min-seconds", "5",
                "--set", "execution.max.in.flight.per.endpoint=32", "--timeout-seconds", "60").settings();

        assertThat(settings).isEqualTo(new BenchmarkSettings(1000, 5000, 0, 3, TaskFormat.AVRO, InputKeys.TASK_ID,
                EnumSet.of(Phase.PIPELINE), 2, 5, Map.of("execution.max.in.flight.per.endpoint", "32"),
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

    @Test
    void shouldReadTheSteadyLoadOptionsAtTheRateOfEachSuite() {
        BenchCommand command = parse("--latency-rate", "50", "--cost-rate", "200", "--exchange-latency-ms", "20",
                "--steady-warmup-seconds", "5", "--steady-seconds", "30", "--partitions", "3");

        assertThat(command.steadySettings(command.latencyRate))
                .isEqualTo(new SteadyLoadSettings(50, 5, 30, 20, 3, InputKeys.HOST_SET, Map.of()));
        assertThat(command.steadySettings(command.costRate).ratePerSecond()).isEqualTo(200);
    }

    @Test
    void shouldRejectANonPositiveRateNamingTheOption() {
        BenchCommand command = parse("--latency-rate", "0");

        assertThatThrownBy(() -> command.steadySettings(command.latencyRate)).hasMessageContaining("--rate must be");
    }

    private static BenchCommand parse(String... args) {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }
}
