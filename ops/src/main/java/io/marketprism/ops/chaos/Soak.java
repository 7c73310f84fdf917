package io.marketprism.ops.chaos;

import io.marketprism.ops.bench.LatencyPercentiles;
import io.marketprism.ops.chaos.Trend.Sample;
import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.local.SimulatedEndpoints;
import io.marketprism.ops.tools.BudgetDemand;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.topology.config.ServiceConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Scenario 10: two instances for a long run (30 minutes unless told otherwise) at half the exchanges' real budgets
 * ({@link BudgetDemand} at factor 0.5 over the lenient simulator's exchanges) with upstream faults, sampling each
 * instance's heap after a full GC, the tasks' latency, and the changelog topics: the state they hold (the latest
 * record of every live key, {@link CompactedState}) and their bytes on the broker's disk. Heap, latency and state
 * must be flat over the second half of the run, judged by {@link Trend}: the least-squares line may grow across the
 * half by at most {@link #MAX_GROWTH} of its mean ({@link #MAX_LATENCY_GROWTH} for the latency percentiles of each
 * interval, which swing more: a few retried tasks wait out a Retry-After or a budget window). Every task must still
 * end exactly once.
 *
 * <p>The bytes on disk are reported with their trend but not judged: they are the state plus what the log cleaner
 * has not compacted yet, and the cleaner's cadence, not the service, sets that part. It compacts a log only once the
 * dirty part is {@code min.cleanable.dirty.ratio} (0.5) of it, looks every {@code log.cleaner.backoff.ms} (15 s),
 * never touches the active segment and keeps tombstones for {@code delete.retention.ms}; so the disk of a level state
 * saws between about once and twice its compacted size, a tooth or two per half of a run, and a line through that
 * rises or falls by a fifth or a third while the state stays level (a 10-minute soak of 2026-12-01: disk +17 %, state
 * −0.4 % over the second half). A store that keeps what it should forget grows its live records, and fails.
 *
 * <p>The state's time constants are scaled to the run so that a level state can show within it: finished task ids
 * are remembered for a sixth of the run (default one hour); once Kafka Streams has created the changelog topics, their
 * segments are set to roll every minute or 1 MiB (the broker's default is 1 GiB: a half hour would never leave the
 * active segment, which the compactor does not touch) and their tombstones to be kept for a sixth of the run (default
 * a day). At the defaults the changelogs grow for a day before they level off, which only a day-long soak could show.
 * The repartition topic keeps its defaults: Kafka Streams purges it as it commits, and with segments that small a
 * purge can drop a producer's last batch, with it the broker's state of that producer, and fail its next append with
 * an out-of-order sequence.
 */
public final class Soak implements Scenario {

    private static final double BUDGET_SHARE = 0.5;
    private static final double MAX_GROWTH = 0.10;
    private static final double MAX_LATENCY_GROWTH = 0.25;
    private static final int SAMPLES = 30;
    private static final Duration SHORTEST_SAMPLE_INTERVAL = Duration.ofSeconds(10);
    private static final Duration FEED_TICK = Duration.ofMillis(200);
    /** Long enough for the retries of a faulty call; tasks the budgets cannot serve in time expire. */
    private static final long TASK_DEADLINE_MILLIS = 60_000;
    private static final String CHANGELOG_SUFFIX = "-changelog";
    private static final long KIB = 1024;
    private static final long MIB = KIB * KIB;
    /**
     * A few faults of every kind the service retries, none that takes an endpoint away: 5 % 5xx, 1 % resets, 1 % 429
     * with Retry-After 1 s, 2-12 ms latency.
     */
    private static final FaultProfile FAULTS = FaultProfile.builder().errorRate(0.05).connectionResetRate(0.01)
            .rateLimitRate(0.01).retryAfterSeconds(1).fixedLatency(Duration.ofMillis(2))
            .randomLatencyUpTo(Duration.ofMillis(10)).build();

    private final Duration length;

    /** A soak of {@code length} (the is 30 minutes); at least three minutes. */
    public Soak(Duration length) {
        if (length.compareTo(Duration.ofMinutes(3)) < 0) {
            throw new IllegalArgumentException("a soak needs at least 3 minutes to have a second half to judge, got "
                    + length.toMinutes());
        }
        this.length = length;
    }

    @Override
    public String name() {
        return "soak";
    }

    @Override
    public String title() {
        return length.toMinutes() + " minutes at half the exchanges' budgets with upstream faults (5 % 5xx, 1 % "
                + "resets, 1 % 429): heap after GC, task latency and changelog state flat over the second half";
    }

    @Override
    public ScenarioReport run(ChaosRun run) throws Exception {
        run.stack().exchange().setFaults(FAULTS);
        Map<String, String> settings = run.settings(Map.of(ServiceConfig.DEDUPE_WINDOW_MS,
                Long.toString(length.dividedBy(6).toMillis())));
        settings.remove(ServiceConfig.EXCHANGE_DEFINITIONS);   // the exchanges' real budgets
        List<ServiceInstance> instances = run.startInstances(2, settings);
        scaleChangelogsToTheRun(run.stack().bootstrap());
        BudgetDemand demand = BudgetDemand.of(ExchangeDefinitions.builtIn(), configOf(settings).reliability(),
                SimulatedEndpoints.LENIENT_EXCHANGES, BUDGET_SHARE);
        Duration interval = Collections.max(List.of(length.dividedBy(SAMPLES), SHORTEST_SAMPLE_INTERVAL));
        run.fault(String.format(Locale.ROOT, "upstream faults on every endpoint for %d min; demand %.0f tasks/s "
                + "over %d kinds of request", length.toMinutes(), demand.perSecond(), demand.lines().size()));

        Instant start = Instant.now();
        Samples samples = new Samples(run, instances, start);
        feedAndSample(run, demand, samples, interval);
        run.log("demand stopped");

        Verdict verdict = run.verify(Duration.ofMinutes(5));
        samples.heap.forEach((instance, series) ->
                judge(run, "heap after a full GC (" + instance + ")", "MiB", MAX_GROWTH, series));
        judge(run, "changelog state (latest record of every live key)", "KiB", MAX_GROWTH, samples.changelogState);
        describe(run, "changelog topics on disk", "KiB", samples.changelogs);
        latencyPerInterval(run, start, interval).forEach((percentile, series) ->
                judge(run, "task latency " + percentile, "ms", MAX_LATENCY_GROWTH, series));
        run.figure("changelog sizes at the end (MiB)", samples.lastChangelogSizes.entrySet().stream()
                .map(e -> e.getKey() + " " + mib(e.getValue())).collect(Collectors.joining(", ")));
        run.figure("changelog live keys at the end", samples.lastStates.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue().keys() + " (" + mib(e.getValue().bytes()) + " MiB)")
                .collect(Collectors.joining(", ")));
        return run.report(Expectation.EXACTLY_ONCE, verdict);
    }

    /** Changelog segments of a minute or 1 MiB, tombstones kept for a sixth of the run. */
    private void scaleChangelogsToTheRun(String bootstrap) throws Exception {
        Map<String, String> configs = Map.of(
                TopicConfig.SEGMENT_MS_CONFIG, "60000",
                TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(MIB),
                TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(length.dividedBy(6).toMillis()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<String> changelogs = new ArrayList<>();
            // Kafka Streams creates them all at once, in the group's first rebalance.
            Deadline.within(Duration.ofMinutes(1)).await(() -> {
                changelogs.addAll(changelogTopics(admin));
                return !changelogs.isEmpty();
            }, "Kafka Streams to create the changelog topics");
            Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
            changelogs.forEach(topic -> changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                    configs.entrySet().stream().map(c -> new AlterConfigOp(new ConfigEntry(c.getKey(), c.getValue()),
                            AlterConfigOp.OpType.SET)).toList()));
            admin.incrementalAlterConfigs(changes).all().get();
        }
    }

    private static List<String> changelogTopics(Admin admin) {
        try {
            return admin.listTopics().names().get().stream().filter(name -> name.endsWith(CHANGELOG_SUFFIX)).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static ServiceConfig configOf(Map<String, String> settings) {
        Properties props = new Properties();
        props.putAll(settings);
        return ServiceConfig.fromProperties(props);
    }

    /**
     * Produces the demand every {@link #FEED_TICK} and takes a sample every {@code interval}, on threads of their
     * own, for the run's length; rethrows what made either stop early.
     */
    private void feedAndSample(ChaosRun run, BudgetDemand demand, Samples samples, Duration interval)
            throws Exception {
        TaskFeed feed = run.feed();
        ScheduledExecutorService threads = Executors.newScheduledThreadPool(2);
        try {
            long[] last = {System.nanoTime()};
            ScheduledFuture<?> feeding = threads.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                feed.produce(demand.next((now - last[0]) / 1_000_000, "chaos-soak-" + run.seed(), Instant.now(),
                        TASK_DEADLINE_MILLIS));
                last[0] = now;
            }, 0, FEED_TICK.toMillis(), TimeUnit.MILLISECONDS);
            ScheduledFuture<?> sampling = threads.scheduleAtFixedRate(samples::take, 0, interval.toMillis(),
                    TimeUnit.MILLISECONDS);
            threads.schedule(() -> { }, length.toMillis(), TimeUnit.MILLISECONDS).get();
            for (ScheduledFuture<?> job : List.of(feeding, sampling)) {
                if (job.isDone()) {
                    job.get();   // it failed: its exception
                }
                job.cancel(false);
            }
        } finally {
            threads.shutdown();
            threads.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    /** The series and its trend as figures, and a failure when it is not flat. */
    private static void judge(ChaosRun run, String label, String unit, double maxGrowth, List<Sample> series) {
        Trend trend = describe(run, label, unit, series);
        if (!trend.flat(maxGrowth)) {
            run.fail(String.format(Locale.ROOT, "%s grew %.1f %% over the second half (at most %.0f %%)", label,
                    trend.growthShare() * 100, maxGrowth * 100));
        }
    }

    /** The series and its trend as figures; returns the trend. */
    private static Trend describe(ChaosRun run, String label, String unit, List<Sample> series) {
        run.figure(label + " per sample (" + unit + ")", series.stream()
                .map(s -> String.format(Locale.ROOT, "%.1f", s.value())).collect(Collectors.joining(" ")));
        Trend trend = Trend.ofSecondHalf(series);
        run.figure(label + " trend", trend.describe(unit));
        return trend;
    }

    /** The committed results' latency (completed less created) by the interval they completed in: p50 and p99. */
    private Map<String, List<Sample>> latencyPerInterval(ChaosRun run, Instant start, Duration interval) {
        Map<Long, List<Long>> byInterval = new TreeMap<>();
        KafkaChecks.forEach(run.stack().bootstrap(), ChaosStack.RESULTS, IsolationLevel.READ_COMMITTED, r -> {
            TaskResult result = AvroCodec.results().decode(r.value());
            long index = Duration.between(start, result.getCompletedAt()).toMillis() / interval.toMillis();
            if (index < length.toMillis() / interval.toMillis()) {
                byInterval.computeIfAbsent(index, i -> new ArrayList<>())
                        .add(Duration.between(result.getCreatedAt(), result.getCompletedAt()).toMillis());
            }
        });
        List<Sample> p50 = new ArrayList<>();
        List<Sample> p99 = new ArrayList<>();
        byInterval.forEach((index, latencies) -> {
            long[] millis = latencies.stream().mapToLong(Long::longValue).toArray();
            LatencyPercentiles percentiles = LatencyPercentiles.of(millis, millis.length);
            double minute = index * interval.toMillis() / 60_000.0;
            p50.add(new Sample(minute, percentiles.p50Millis()));
            p99.add(new Sample(minute, percentiles.p99Millis()));
        });
        Map<String, List<Sample>> series = new LinkedHashMap<>();
        series.put("p50", p50);
        series.put("p99", p99);
        return series;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / (double) MIB);
    }

    /**
     * The samples taken while the soak runs: each instance's heap after a full GC ({@code jcmd GC.run}, then the heap
     * in use as its metrics endpoint reports it), the changelog topics' bytes on the broker's disk and the state they
     * hold.
     */
    private static final class Samples {

        private static final String HEAP_USED = "jvm_memory_used_bytes{";
        private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");

        private final ChaosRun run;
        private final List<ServiceInstance> instances;
        private final Instant start;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final Map<String, List<Sample>> heap = Collections.synchronizedMap(new LinkedHashMap<>());
        private final List<Sample> changelogs = Collections.synchronizedList(new ArrayList<>());
        private final List<Sample> changelogState = Collections.synchronizedList(new ArrayList<>());
        private volatile Map<String, Long> lastChangelogSizes = Map.of();
        private volatile Map<String, CompactedState> lastStates = Map.of();

        Samples(ChaosRun run, List<ServiceInstance> instances, Instant start) {
            this.run = run;
            this.instances = instances;
            this.start = start;
        }

        /** One sample of every series; a series that cannot be sampled fails the run. */
        void take() {
            double minute = Duration.between(start, Instant.now()).toMillis() / 60_000.0;
            try {
                for (ServiceInstance instance : instances) {
                    heap.computeIfAbsent("instance " + instance.name(), n -> new ArrayList<>())
                            .add(new Sample(minute, heapAfterGc(instance) / (double) MIB));
                }
                String bootstrap = run.stack().bootstrap();
                Map<String, Long> sizes = KafkaChecks.topicSizes(bootstrap).entrySet().stream()
                        .filter(e -> e.getKey().endsWith(CHANGELOG_SUFFIX))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, Long::sum, TreeMap::new));
                Map<String, CompactedState> live = new TreeMap<>();
                sizes.keySet().forEach(topic -> live.put(topic, KafkaChecks.compactedState(bootstrap, topic)));
                lastChangelogSizes = sizes;
                lastStates = live;
                changelogs.add(new Sample(minute, sizes.values().stream().mapToLong(Long::longValue).sum()
                        / (double) KIB));
                changelogState.add(new Sample(minute, live.values().stream().mapToLong(CompactedState::bytes).sum()
                        / (double) KIB));
                run.log(sizes.keySet().stream().map(topic -> String.format(Locale.ROOT, "%s %s MiB on disk, %d live "
                        + "keys (%s MiB)", topic, mib(sizes.get(topic)), live.get(topic).keys(),
                        mib(live.get(topic).bytes()))).collect(Collectors.joining("; ")));
            } catch (IOException | RuntimeException e) {
                run.fail("sampling at minute " + String.format(Locale.ROOT, "%.1f", minute) + " failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private long heapAfterGc(ServiceInstance instance) throws IOException, InterruptedException {
            Process gc = new ProcessBuilder(JCMD.toString(), Long.toString(instance.pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (gc.waitFor() != 0) {
                throw new IllegalStateException("jcmd " + instance.pid() + " GC.run failed");
            }
            URI metrics = instance.httpAddress().resolve("/metrics");
            String body = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return (long) body.lines().filter(l -> l.startsWith(HEAP_USED) && l.contains("area=\"heap\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        }
    }
}
