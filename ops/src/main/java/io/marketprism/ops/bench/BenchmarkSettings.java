package io.marketprism.ops.bench;

import io.marketprism.ops.tools.TaskFormat;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What one ceiling-ratio run of {@link PipelineBenchmark} measures. Validated on construction; each message names
 * the option and its allowed range.
 *
 * @param tasks            tasks measured per pipeline run (the first run; a run shorter than {@code minSeconds} is
 *                         repeated with more)
 * @param ceilingTasks     tasks measured per ceiling run, the same way
 * @param warmup           tasks processed before the measurement starts, on top of the measured ones
 * @param partitions       partitions of the input and output topics, as the service's {@code topic.partitions}
 * @param format           how the tasks are encoded on the input topic
 * @param inputKeys        how the tasks are keyed on the input topic
 * @param phases           which phases run
 * @param runs             how many times each phase is measured (interleaved: ceiling, pipeline, ceiling, ...)
 * @param minSeconds       shortest measured time of a run that counts
 * @param serviceOverrides service configuration keys set on top of the benchmark's generous settings
 * @param timeout          longest wait for one run's output
 */
public record BenchmarkSettings(int tasks, int ceilingTasks, int warmup, int partitions, TaskFormat format,
                                InputKeys inputKeys, Set<Phase> phases, int runs, int minSeconds,
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
        requireInRange("--ceiling-tasks", ceilingTasks, 1, 100_000_000);
        requireInRange("--warmup", warmup, 0, 100_000_000);
        requireInRange("--partitions", partitions, 1, 10_000);
        requireInRange("--runs", runs, 1, 100);
        requireInRange("--min-seconds", minSeconds, 0, 3600);
        if (format == null) {
            throw new IllegalArgumentException("--format must be json or avro");
        }
        if (inputKeys == null) {
            throw new IllegalArgumentException("--input-keys must be host_set or task_id");
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
     * 400,000 measured pipeline tasks and 4,000,000 measured ceiling tasks (about 12 s each on this 2-core machine),
     * after 200,000 warm-up ones (on 2 cores the JIT compiler needs about that long: with only 20,000 the pipeline
     * measured half its warmed-up rate), JSON keyed by host set, 6 partitions, both phases three times, runs of at
     * least 10 s, 5 minutes' wait per run.
     */
    public static BenchmarkSettings ofDefaults() {
        return new BenchmarkSettings(400_000, 4_000_000, 200_000, 6, TaskFormat.JSON, InputKeys.HOST_SET,
                EnumSet.allOf(Phase.class), 3, 10, Map.of(), Duration.ofMinutes(5));
    }

    /** Measured tasks of a phase's first run. */
    public int measuredTasks(Phase phase) {
        return phase == Phase.CEILING ? ceilingTasks : tasks;
    }

    private static void requireInRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be in " + min + ".." + max + ", got " + value);
        }
    }
}
