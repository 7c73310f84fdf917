package io.marketprism.ops.bench;

import io.marketprism.ops.tools.TaskFormat;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What one {@link PipelineBenchmark} run measures. Validated on construction; each message names the option and
 * its allowed range.
 *
 * @param tasks            tasks measured per phase
 * @param warmup           tasks processed before the measurement starts, on top of {@code tasks}
 * @param partitions       partitions of the input and output topics, as the service's {@code topic.partitions}
 * @param format           how the tasks are encoded on the input topic
 * @param phases           which phases run
 * @param serviceOverrides service configuration keys set on top of the benchmark's generous settings
 * @param timeout          longest wait for one phase's output
 */
public record BenchmarkSettings(int tasks, int warmup, int partitions, TaskFormat format, Set<Phase> phases,
                                Map<String, String> serviceOverrides, Duration timeout) {

    /** The two measurements. */
    public enum Phase {
        /** A trivial exactly-once Kafka Streams app copying the task records unchanged: the upper bound. */
        CEILING,
        /** The service's topology with an executor that answers every call at once. */
        PIPELINE
    }

    public BenchmarkSettings {
        requireInRange("--tasks", tasks, 1, 100_000_000);
        requireInRange("--warmup", warmup, 0, 100_000_000);
        requireInRange("--partitions", partitions, 1, 10_000);
        if (format == null) {
            throw new IllegalArgumentException("--format must be json or avro");
        }
        if (phases == null || phases.isEmpty()) {
            throw new IllegalArgumentException("--phases: give at least one of ceiling, pipeline");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("--timeout-seconds must be in 1..3600, got " + timeout);
        }
        phases = Set.copyOf(EnumSet.copyOf(phases));
        serviceOverrides = Map.copyOf(serviceOverrides);
    }

    /**
     * 200,000 measured tasks after as many warm-up ones (on 2 cores the JIT compiler needs about that long: with only
     * 20,000 the pipeline measured half its warmed-up rate), JSON, 6 partitions, both phases, 5 minutes per phase.
     */
    public static BenchmarkSettings ofDefaults() {
        return new BenchmarkSettings(200_000, 200_000, 6, TaskFormat.JSON, EnumSet.allOf(Phase.class), Map.of(),
                Duration.ofMinutes(5));
    }

    /** Tasks produced per phase: warm-up and measured ones. */
    public int totalTasks() {
        return tasks + warmup;
    }

    private static void requireInRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be in " + min + ".." + max + ", got " + value);
        }
    }
}
