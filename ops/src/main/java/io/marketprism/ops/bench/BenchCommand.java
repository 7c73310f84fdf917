package io.marketprism.ops.bench;

import io.marketprism.ops.bench.BenchmarkSettings.Phase;
import io.marketprism.ops.tools.TaskFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marketprism bench}: runs the suites asked for ({@link BenchSuite}), prints their figures on standard output
 * and, with {@code --append-to}, appends them as a dated Markdown section to a file.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {
            "Measure the service on an embedded broker in a temporary directory. Suites (--suite, each alone or all):",
            "ceiling: the full pipeline's throughput against the exactly-once copy ceiling, --runs times each, "
                    + "interleaved, every run at least --min-seconds long. ceiling phase: a Kafka Streams app with "
                    + "the service's streams settings copying the task records unchanged; pipeline phase: the "
                    + "service with an in-process executor answering every call at once with HTTP 200 and limits far "
                    + "above the load. Tasks are produced before each app starts; output is counted under "
                    + "read_committed from the first look after the warm-up to the last record.",
            "latency: tasks at --latency-rate against the simulated exchange answering after "
                    + "--exchange-latency-ms: produce -> committed result p50/p99/p99.9 (HdrHistogram) and the part "
                    + "the service adds beyond the calls, stage by stage (take-up, hand-back, waiting for the "
                    + "transaction's commit, becoming visible), with the stages of the slowest 1 % and the GC pauses "
                    + "they spanned.",
            "cost: the same at --cost-rate: CPU share of one core of the service's threads and bytes they allocate "
                    + "per task.",
            "backlog: --backlog-tasks produced at once behind --backlog-budget calls/s per exchange: time to take "
                    + "them in, heap before and with the backlog, order of the first results, restore time of a new "
                    + "instance with an empty state directory.",
            "failover: tasks at 200/s over two instances as child JVMs, one killed with SIGKILL and not restarted, "
                    + "without and with a standby, on the documented failover settings: the longest stall any task "
                    + "suffered from the kill (the chaos suite's failover scenario with two instances).",
            "scale-out: --scale-out-tasks produced at once and worked off by 1, 2 and 4 instances as child JVMs "
                    + "against the simulator answering after --scale-out-latency-ms, "
                    + "--scale-out-slots calls in flight per endpoint, tasks spread over --scale-out-routes egress "
                    + "routes: results completed per second after a warm-up, and the speed-up over one instance.",
            "budget: every exchange x market x data type of the shipped definitions at --budget-factor times its "
                    + "limit group's budget, each task due in 5 s, against the strict simulator for --budget-minutes: "
                    + "per limit group the share of the budget used, as the simulator counted it, and the 429s and "
                    + "bans.",
            "Progress goes to standard error, the figures to standard output."})
public final class BenchCommand implements Callable<Integer> {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT);

    @Option(names = "--suite", split = ",", defaultValue = "ceiling",
            description = "Suites to run: all, ceiling, latency, cost, backlog, failover, scale-out, budget "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> suites;

    @Option(names = "--tasks", defaultValue = "400000",
            description = "ceiling: tasks measured per pipeline run, 1..100000000 (default: ${DEFAULT-VALUE}); a run "
                    + "shorter than --min-seconds is done again with more.")
    int tasks;

    @Option(names = "--ceiling-tasks", defaultValue = "4000000",
            description = "ceiling: tasks measured per ceiling run, 1..100000000 (default: ${DEFAULT-VALUE}).")
    int ceilingTasks;

    @Option(names = "--warmup", defaultValue = "200000",
            description = "ceiling: tasks processed before measuring, on top of the measured ones "
                    + "(default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--runs", defaultValue = "3",
            description = "ceiling: runs of each phase, 1..100 (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--min-seconds", defaultValue = "10",
            description = "ceiling: shortest measured time of a run, 0..3600 (default: ${DEFAULT-VALUE}).")
    int minSeconds;

    @Option(names = "--partitions", defaultValue = "6",
            description = "Partitions of every topic, as topic.partitions (default: ${DEFAULT-VALUE}, the service's).")
    int partitions;

    @Option(names = "--format", defaultValue = "json",
            description = "ceiling: task encoding on the input topic: json or avro (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--input-keys", defaultValue = "host_set",
            description = "ceiling, latency, cost: how tasks are keyed on the tasks topic: host_set (as producers are "
                    + "advised to: every task arrives on the partition that decides it) or task_id (most cross the "
                    + "repartition topic) (default: ${DEFAULT-VALUE}).")
    String inputKeys;

    @Option(names = "--phases", split = ",", defaultValue = "ceiling,pipeline",
            description = "ceiling: phases to run: ceiling, pipeline or both (default: ${DEFAULT-VALUE}).")
    List<String> phases;

    @Option(names = "--latency-rate", defaultValue = "100",
            description = "latency: tasks produced per second (default: ${DEFAULT-VALUE}).")
    double latencyRate;

    @Option(names = "--cost-rate", defaultValue = "200",
            description = "cost: tasks produced per second (default: ${DEFAULT-VALUE}, the seed's load).")
    double costRate;

    @Option(names = "--exchange-latency-ms", defaultValue = "50",
            description = "latency, cost: the simulated exchange's fixed latency (default: ${DEFAULT-VALUE}).")
    int exchangeLatencyMillis;

    @Option(names = "--steady-warmup-seconds", defaultValue = "20",
            description = "latency, cost: seconds of load before measuring (default: ${DEFAULT-VALUE}).")
    int steadyWarmupSeconds;

    @Option(names = "--steady-seconds", defaultValue = "60",
            description = "latency, cost: seconds measured (default: ${DEFAULT-VALUE}).")
    int steadySeconds;

    @Option(names = "--backlog-tasks", defaultValue = "1000000",
            description = "backlog: tasks waiting (default: ${DEFAULT-VALUE}).")
    int backlogTasks;

    @Option(names = "--backlog-budget", defaultValue = "2",
            description = "backlog: calls per second each exchange may start (default: ${DEFAULT-VALUE}).")
    double backlogBudget;

    @Option(names = "--backlog-drain-seconds", defaultValue = "20",
            description = "backlog: seconds the first results are read for the order check "
                    + "(default: ${DEFAULT-VALUE}).")
    int backlogDrainSeconds;

    @Option(names = "--scale-out-tasks", defaultValue = "60000",
            description = "scale-out: tasks produced for each instance count (default: ${DEFAULT-VALUE}).")
    int scaleOutTasks;

    @Option(names = "--scale-out-slots", defaultValue = "1",
            description = "scale-out: calls in flight per endpoint, as execution.max.in.flight.per.endpoint "
                    + "(default: ${DEFAULT-VALUE}).")
    int scaleOutSlots;

    @Option(names = "--scale-out-latency-ms", defaultValue = "200",
            description = "scale-out: the simulated exchange's fixed latency; with the slots and routes it sets the "
                    + "throughput the call slots allow, which should lie below what the machine can run "
                    + "(default: ${DEFAULT-VALUE}).")
    int scaleOutLatencyMillis;

    @Option(names = "--scale-out-routes", defaultValue = "4",
            description = "scale-out: egress routes the tasks spread over (default: ${DEFAULT-VALUE}).")
    int scaleOutRoutes;

    @Option(names = "--budget-factor", defaultValue = "3",
            description = "budget: demand over every limit group's budget (default: ${DEFAULT-VALUE}).")
    double budgetFactor;

    @Option(names = "--budget-minutes", defaultValue = "10",
            description = "budget: minutes the demand lasts, e.g. 2.5 (default: ${DEFAULT-VALUE}).")
    double budgetMinutes;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "A service configuration key on top of the benchmark's generous limits, e.g. "
                    + "execution.max.in.flight.per.endpoint=32 or kafka.commit.interval.ms=200; repeatable.")
    Map<String, String> overrides = Map.of();

    @Option(names = "--timeout-seconds", defaultValue = "300",
            description = "ceiling: longest wait for one run's output; backlog: for the intake and the restore; "
                    + "1..3600 (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--append-to", paramLabel = "FILE",
            description = "Also append the figures as a dated Markdown section to FILE, e.g. docs/performance.md.")
    Path appendTo;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Set<BenchSuite> chosen = BenchSuite.parse(suites);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = spec.commandLine().getErr();
        double loadBefore = BenchmarkReport.loadAverage();
        Map<BenchSuite, String> markdown = new LinkedHashMap<>();
        Map<Double, SteadyLoadReport> steadyRuns = new LinkedHashMap<>();
        for (BenchSuite suite : chosen) {
            progress.println("bench: suite " + suite.optionName());
            progress.flush();
            String text;
            if (suite == BenchSuite.CEILING) {
                BenchmarkReport report = new PipelineBenchmark(settings(), progress).run();
                text = report.render();
                markdown.put(suite, report.markdown());
            } else if (suite == BenchSuite.FAILOVER) {
                FailoverReport report = new FailoverBenchmark(progress).run();
                text = report.render();
                markdown.put(suite, report.markdown());
            } else if (suite == BenchSuite.SCALE_OUT) {
                ScaleOutReport report = new ScaleOutBenchmark(scaleOutWorkload(), progress).run();
                text = report.render();
                markdown.put(suite, report.markdown());
            } else if (suite == BenchSuite.BUDGET) {
                Map<String, String> settings = new LinkedHashMap<>(Map.of("topic.partitions",
                        Integer.toString(partitions)));
                settings.putAll(overrides);
                BudgetUseReport report = new BudgetUseBenchmark(budgetFactor,
                        Duration.ofMillis(Math.round(budgetMinutes * 60_000)), settings, progress).run();
                text = report.render();
                markdown.put(suite, report.markdown());
            } else if (suite == BenchSuite.BACKLOG) {
                BacklogReport report = new BacklogBenchmark(backlogTasks, backlogBudget, backlogDrainSeconds,
                        partitions, Duration.ofSeconds(timeoutSeconds), progress).run();
                text = report.render();
                markdown.put(suite, report.markdown());
            } else {
                SteadyLoadSettings steady = steadySettings(suite == BenchSuite.LATENCY ? latencyRate : costRate);
                SteadyLoadReport report = steadyRuns.get(steady.ratePerSecond());
                if (report == null) {
                    report = new SteadyLoadBenchmark(steady, progress).run();
                    steadyRuns.put(steady.ratePerSecond(), report);
                }
                text = report.render();
                markdown.put(suite, report.markdown());
            }
            out.println("== " + suite.optionName());
            out.print(text);
            out.flush();
        }
        if (appendTo != null) {
            append(appendTo, section(loadBefore, BenchmarkReport.loadAverage(), markdown));
            progress.println("bench: figures appended to " + appendTo);
            progress.flush();
        }
        return 0;
    }

    /** The ceiling suite's options as validated settings. */
    BenchmarkSettings settings() {
        return new BenchmarkSettings(tasks, ceilingTasks, warmup, partitions,
                parseEnum("--format", format, TaskFormat.class), parseEnum("--input-keys", inputKeys, InputKeys.class),
                parsePhases(phases), runs, minSeconds, overrides, Duration.ofSeconds(timeoutSeconds));
    }

    /** The latency and cost suites' options at one rate, validated. */
    SteadyLoadSettings steadySettings(double rate) {
        return new SteadyLoadSettings(rate, steadyWarmupSeconds, steadySeconds, exchangeLatencyMillis, partitions,
                parseEnum("--input-keys", inputKeys, InputKeys.class), overrides);
    }

    /** The scale-out suite's workload: a backlog well past what the instances finish in the 10 s warm-up and 30 s. */
    ScaleOutBenchmark.ScaleOutWorkload scaleOutWorkload() {
        return new ScaleOutBenchmark.ScaleOutWorkload(scaleOutTasks, Duration.ofMillis(scaleOutLatencyMillis),
                scaleOutSlots, scaleOutRoutes, partitions, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    private String section(double loadBefore, double loadAfter, Map<BenchSuite, String> markdown) {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder(nl);
        sb.append("### ").append(ZonedDateTime.now(ZoneOffset.UTC).format(WHEN)).append(": `ops/marketprism ")
                .append(String.join(" ", spec.commandLine().getParseResult().originalArgs())).append('`')
                .append(nl).append(nl);
        sb.append(String.format(Locale.ROOT, "%d cores, Java %s, load average %.2f before, %.2f after.%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadBefore, loadAfter));
        markdown.forEach((suite, table) -> sb.append(nl).append(suite.optionName()).append(':').append(nl).append(nl)
                .append(table));
        return sb.toString();
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
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
