package io.marketprism.ops.bench;

import io.marketprism.ops.bench.BenchmarkSettings.Phase;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The figures of one ceiling-ratio run with what they were measured under, rendered by {@link #render()} as a few
 * lines, a row per run and a summary: tasks per second of each phase, their median, range and spread, and the
 * pipeline's share of the ceiling.
 *
 * @param settings          what was asked for
 * @param averageTaskBytes  average encoded size of a task
 * @param streamsSettings   the effective Kafka Streams and execution settings, as one line
 * @param loadAverageBefore system load average (1 minute) before the run, negative when unknown
 * @param loadAverageAfter  the same after the run
 * @param runs              one result per run of a phase, in the order they ran
 */
public record BenchmarkReport(BenchmarkSettings settings, long averageTaskBytes, String streamsSettings,
                              double loadAverageBefore, double loadAverageAfter, List<PhaseResult> runs) {

    public BenchmarkReport {
        runs = List.copyOf(runs);
    }

    /** The runs of one phase, in order. */
    public List<PhaseResult> runsOf(Phase phase) {
        return runs.stream().filter(result -> result.phase() == phase).toList();
    }

    /** Median, range and spread of a phase's tasks per second, if it ran. */
    public Optional<RunSpread> throughput(Phase phase) {
        List<Double> rates = runsOf(phase).stream().map(PhaseResult::tasksPerSecond).toList();
        return rates.isEmpty() ? Optional.empty() : Optional.of(RunSpread.of(rates));
    }

    /** Median, range and spread of a phase's CPU microseconds per task, if it ran. */
    public Optional<RunSpread> cpuPerTask(Phase phase) {
        List<Double> costs = runsOf(phase).stream().map(PhaseResult::cpuMicrosPerTask).toList();
        return costs.isEmpty() ? Optional.empty() : Optional.of(RunSpread.of(costs));
    }

    /** The pipeline's median throughput as a share of the ceiling's median, if both ran. */
    public Optional<Double> pipelineShareOfCeiling() {
        return throughput(Phase.PIPELINE).flatMap(pipeline -> throughput(Phase.CEILING)
                .map(ceiling -> pipeline.median() / ceiling.median()));
    }

    /** The share of each round (the pipeline run against the ceiling run just before it), if both ran. */
    public Optional<RunSpread> shareByRound() {
        List<PhaseResult> ceilings = runsOf(Phase.CEILING);
        List<PhaseResult> pipelines = runsOf(Phase.PIPELINE);
        List<Double> shares = new ArrayList<>();
        for (int i = 0; i < Math.min(ceilings.size(), pipelines.size()); i++) {
            shares.add(pipelines.get(i).tasksPerSecond() / ceilings.get(i).tasksPerSecond());
        }
        return shares.isEmpty() ? Optional.empty() : Optional.of(RunSpread.of(shares));
    }

    /** Runs whose measured part was shorter than asked for, after every attempt. */
    public List<PhaseResult> tooShort() {
        return runs.stream().filter(r -> r.measuredSeconds() < settings.minSeconds()).toList();
    }

    /** The run's description, a row per run and the summary, ending with a line break. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Workload   %s tasks, %d B each on average, %,d warm-up tasks before "
                        + "each measurement, %d partitions, %d runs of each phase of at least %d s%n",
                settings.format().name().toLowerCase(Locale.ROOT), averageTaskBytes, settings.warmup(),
                settings.partitions(), settings.runs(), settings.minSeconds()));
        sb.append("Streams    ").append(streamsSettings).append(System.lineSeparator());
        sb.append(machineLine(loadAverageBefore, loadAverageAfter)).append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "%-9s %4s %12s %9s %12s %10s %8s %10s %10s  %s%n", "phase", "run",
                "tasks", "seconds", "tasks/s", "total s", "dead", "CPU µs/task", "B/task", "commit lag p50/p99/max ms"));
        for (PhaseResult result : runs) {
            String lag = result.commitLag()
                    .map(l -> l.p50Millis() + "/" + l.p99Millis() + "/" + l.maxMillis())
                    .orElse("-");
            sb.append(String.format(Locale.ROOT, "%-9s %4d %,12d %9.2f %,12.0f %10.2f %8d %10.1f %,10.0f  %s%n",
                    phaseName(result.phase()), result.run(), result.measuredTasks(), result.measuredSeconds(),
                    result.tasksPerSecond(), result.sinceStartNanos() / 1e9, result.deadLetters(),
                    result.cpuMicrosPerTask(), result.allocatedBytesPerTask(), lag));
        }
        for (Phase phase : Phase.values()) {
            throughput(phase).ifPresent(t -> sb.append(String.format(Locale.ROOT,
                    "%-9s median %,.0f tasks/s, range %,.0f to %,.0f, spread %.1f %%; median %.1f CPU µs per task%n",
                    phaseName(phase), t.median(), t.min(), t.max(), 100 * t.spread(),
                    cpuPerTask(phase).map(RunSpread::median).orElse(Double.NaN))));
        }
        pipelineShareOfCeiling().ifPresent(share -> sb.append(String.format(Locale.ROOT,
                "share     %.1f %% of the ceiling (medians); by round %s%n", 100 * share,
                shareByRound().map(r -> String.format(Locale.ROOT, "%.1f to %.1f %%", 100 * r.min(), 100 * r.max()))
                        .orElse("-"))));
        for (PhaseResult brief : tooShort()) {
            sb.append(String.format(Locale.ROOT, "warning   %s run %d measured only %.1f s; raise --%s%n",
                    phaseName(brief.phase()), brief.run(), brief.measuredSeconds(),
                    brief.phase() == Phase.CEILING ? "ceiling-tasks" : "tasks"));
        }
        return sb.toString();
    }

    /** The summary as rows of the table in docs/performance.md. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| Phase | Runs (tasks/s) | Median | Spread | Seconds per run | CPU µs per task (median) "
                + "| Allocation per task (median) |").append(System.lineSeparator());
        sb.append("|---|---|---|---|---|---|---|").append(System.lineSeparator());
        for (Phase phase : Phase.values()) {
            throughput(phase).ifPresent(t -> sb.append(String.format(Locale.ROOT,
                    "| %s | %s | %,.0f | %.1f %% | %s | %.1f | %,.0f B |%n",
                    phaseName(phase), String.join(", ", runsOf(phase).stream()
                            .map(r -> String.format(Locale.ROOT, "%,.0f", r.tasksPerSecond())).toList()),
                    t.median(), 100 * t.spread(), String.join(", ", runsOf(phase).stream()
                            .map(r -> String.format(Locale.ROOT, "%.1f", r.measuredSeconds())).toList()),
                    cpuPerTask(phase).orElseThrow().median(), RunSpread.of(runsOf(phase).stream()
                            .map(PhaseResult::allocatedBytesPerTask).toList()).median())));
        }
        pipelineShareOfCeiling().ifPresent(share -> sb.append(String.format(Locale.ROOT,
                "| share | %s | **%.1f %%** | | | | |%n", shareByRound().map(r -> String.format(Locale.ROOT,
                        "%.1f to %.1f %% by round", 100 * r.min(), 100 * r.max())).orElse(""), 100 * share)));
        return sb.toString();
    }

    static String phaseName(Phase phase) {
        return phase.name().toLowerCase(Locale.ROOT);
    }

    /** Cores, Java version and the load average before and after, as one line. */
    static String machineLine(double loadBefore, double loadAfter) {
        return String.format(Locale.ROOT, "Machine    %d cores, Java %s, load average %.2f before, %.2f after",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadBefore, loadAfter);
    }

    /** The system load average over the last minute, or a negative value where the platform does not tell. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
