package io.marketprism.ops.bench;

import io.marketprism.ops.bench.BenchmarkSettings.Phase;
import io.marketprism.ops.tools.TaskFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marketprism bench}: runs the {@link PipelineBenchmark} and prints its figures on standard output. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {
            "Measure the full pipeline's throughput against the exactly-once pass-through ceiling, on an embedded "
                    + "broker in a temporary directory.",
            "ceiling: a Kafka Streams app with the service's streams settings copying the task records unchanged. "
                    + "pipeline: the service with an in-process executor answering every call at once with HTTP 200 "
                    + "and limits far above the load. Tasks are produced before each app starts; output is counted "
                    + "under read_committed from the first look after the warm-up to the last record.",
            "Progress goes to standard error, the figures to standard output."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--tasks", defaultValue = "200000",
            description = "Tasks measured per phase, 1..100000000 (default: ${DEFAULT-VALUE}).")
    int tasks;

    @Option(names = "--warmup", defaultValue = "200000",
            description = "Tasks processed before measuring, on top of --tasks (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--partitions", defaultValue = "6",
            description = "Partitions of every topic, as topic.partitions (default: ${DEFAULT-VALUE}, the service's).")
    int partitions;

    @Option(names = "--format", defaultValue = "json",
            description = "Task encoding on the input topic: json or avro (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--phases", split = ",", defaultValue = "ceiling,pipeline",
            description = "Phases to run: ceiling, pipeline or both (default: ${DEFAULT-VALUE}).")
    List<String> phases;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "A service configuration key on top of the benchmark's generous limits, e.g. "
                    + "execution.max.in.flight.per.endpoint=32 or kafka.commit.interval.ms=200; repeatable.")
    Map<String, String> overrides = Map.of();

    @Option(names = "--timeout-seconds", defaultValue = "300",
            description = "Longest wait for one phase's output, 1..3600 (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BenchmarkReport report = new PipelineBenchmark(settings(), spec.commandLine().getErr()).run();
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.render());
        out.flush();
        return 0;
    }

    /** The options as validated settings. */
    BenchmarkSettings settings() {
        return new BenchmarkSettings(tasks, warmup, partitions, parseEnum("--format", format, TaskFormat.class), parsePhases(phases), overrides,
                Duration.ofSeconds(timeoutSeconds));
    }

    private static EnumSet<Phase> parsePhases(List<String> names) {
        EnumSet<Phase> parsed = EnumSet.noneOf(Phase.class);
        names.forEach(name -> parsed.add(parseEnum("--phases", name, Phase.class)));
        return parsed;
    }

    /** The constant named, case-insensitively; the error names the option and every allowed value. */
    private static <E extends Enum<E>> E parseEnum(String option, String text, Class<E> type) {
        try {
            return Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not one of "
                    + EnumSet.allOf(type).toString().toLowerCase(Locale.ROOT), e);
        }
    }
}
