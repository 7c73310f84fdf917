package io.marketprism.ops.bench;

import io.marketprism.ops.bench.BenchmarkSettings.Phase;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The figures of one run with what they were measured under, rendered by {@link #render()} as a few lines and a
 * table: tasks per second of each phase and the pipeline's share of the ceiling.
 *
 * @param settings          what was asked for
 * @param averageTaskBytes  average encoded size of a task
 * @param streamsSettings   the effective Kafka Streams and execution settings, as one line
 * @param loadAverageBefore system load average (1 minute) before the run, negative when unknown
 * @param loadAverageAfter  the same after the run
 * @param phases            one result per phase run, ceiling first
 */
public record BenchmarkReport(BenchmarkSettings settings, long averageTaskBytes, String streamsSettings,
                              double loadAverageBefore, double loadAverageAfter, List<PhaseResult> phases) {

    public BenchmarkReport {
        phases = List.copyOf(phases);
    }

    /** The result of one phase, if it ran. */
    public Optional<PhaseResult> phase(Phase phase) {
        return phases.stream().filter(result -> result.phase() == phase).findFirst();
    }

    /** The pipeline's throughput as a share of the ceiling's, if both ran. */
    public Optional<Double> pipelineShareOfCeiling() {
        return phase(Phase.PIPELINE).flatMap(pipeline -> phase(Phase.CEILING)
                .map(ceiling -> pipeline.tasksPerSecond() / ceiling.tasksPerSecond()));
    }

    /** The run's description and its table, ending with a line break. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Workload   %,d %s tasks per phase (%,d warm-up, then %,d measured), "
                        + "%d B each on average, %d partitions%n", settings.totalTasks(),
                settings.format().name().toLowerCase(Locale.ROOT), settings.warmup(), settings.tasks(),
                averageTaskBytes, settings.partitions()));
        sb.append("Streams    ").append(streamsSettings).append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "Machine    %d cores, Java %s, load average %.2f before, %.2f after%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverageBefore,
                loadAverageAfter));
        sb.append(String.format(Locale.ROOT, "%-9s %12s %9s %12s %8s %10s %8s  %s%n", "phase", "tasks", "seconds",
                "tasks/s", "share", "total s", "dead", "commit lag p50/p99/max ms"));
        for (PhaseResult result : phases) {
            String share = result.phase() == Phase.CEILING ? "100 %"
                    : pipelineShareOfCeiling().map(s -> String.format(Locale.ROOT, "%.1f %%", 100 * s)).orElse("-");
            String lag = result.commitLag()
                    .map(l -> l.p50Millis() + "/" + l.p99Millis() + "/" + l.maxMillis())
                    .orElse("-");
            sb.append(String.format(Locale.ROOT, "%-9s %,12d %9.2f %,12.0f %8s %10.2f %8d  %s%n",
                    result.phase().name().toLowerCase(Locale.ROOT), result.measuredTasks(),
                    result.measuredNanos() / 1e9, result.tasksPerSecond(), share, result.sinceStartNanos() / 1e9,
                    result.deadLetters(), lag));
        }
        return sb.toString();
    }

    /** The system load average over the last minute, or a negative value where the platform does not tell. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
