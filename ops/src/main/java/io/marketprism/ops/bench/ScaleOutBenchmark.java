package io.marketprism.ops.bench;

import io.marketprism.ops.chaos.ChaosStack;
import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.ops.chaos.ServiceInstance;
import io.marketprism.ops.chaos.TaskFeed;
import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.kafka.FailoverSettings;
import io.marketprism.ops.local.SimulatedEndpoints;
import io.marketprism.ops.tools.TaskGenerator;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.topology.config.ServiceConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.common.IsolationLevel;

/**
 * The scale-out suite: the same backlog of tasks worked off by 1, 2 and 4 instances (child JVMs, as deployed), each
 * count on a fresh broker and simulator, and the results completed per second in a window after the warm-up.
 *
 * <p>The workload is I/O-bound the way a real deployment is, not CPU-bound: the chaos stack's strict simulator, its
 * limits far above the load, answers every call after {@link ScaleOutWorkload#exchangeLatency()}, each endpoint takes
 * {@link ScaleOutWorkload#slotsPerEndpoint()} calls at once on each route ({@code execution.max.in.flight.per.endpoint}
 * per deciding partition, and each route of a host set is decided on a partition of its own), and the tasks of three
 * exchanges ask for {@link ScaleOutWorkload#instrumentsPerExchange()} instruments each, which spread them over
 * {@link ScaleOutWorkload#routes()} egress routes. So the call slots of every (host set, route) bound the throughput,
 * whatever the instance count: {@link ScaleOutWorkload#callSlotCapacity} is that bound. Next to each figure stand
 * the CPU the instances used over the window and the machine's load and busy share, which tell whether the run
 * reached the bound or the machine stopped it first.
 */
public final class ScaleOutBenchmark {

    /** The instance counts measured, the first the baseline. */
    static final List<Integer> INSTANCES = List.of(1, 2, 4);
    private static final long SEED = 42;

    private final ScaleOutWorkload workload;
    private final PrintWriter progress;

    public ScaleOutBenchmark(ScaleOutWorkload workload, PrintWriter progress) {
        this.workload = workload;
        this.progress = progress;
    }

    /** Measures every instance count on its own stack under a new temporary directory (kept for the logs). */
    public ScaleOutReport run() throws Exception {
        double loadBefore = BenchmarkReport.loadAverage();
        Path workDir = Files.createTempDirectory("marketprism-bench-scale-out-");
        log("instance logs in " + workDir + "; " + workload.describe());
        Map<Integer, ScaleOutReport.Run> runs = new LinkedHashMap<>();
        for (int instances : INSTANCES) {
            runs.put(instances, measure(instances, workDir.resolve(instances + "-instances")));
        }
        return new ScaleOutReport(workload, runs, loadBefore, BenchmarkReport.loadAverage());
    }

    private ScaleOutReport.Run measure(int instances, Path dir) throws Exception {
        try (ChaosStack stack = ChaosStack.start(dir, SEED)) {
            stack.exchange().setFaults(FaultProfile.builder().fixedLatency(workload.exchangeLatency()).build());
            String applicationId = "bench-scale-out-" + instances;
            Map<String, String> settings = stack.serviceSettings(applicationId, workload.serviceSettings());
            // Kafka Streams' own commit interval and timeouts, not the chaos stack's: its 1 s commits are for kills,
            // and its failover timeouts (3 s transaction timeout) fence a producer whenever the shared machine
            // stalls a stream thread that long, which measures the machine instead of the service.
            settings.remove(ChaosStack.COMMIT_INTERVAL);
            FailoverSettings.service().keySet().forEach(settings::remove);
            List<ServiceInstance> started = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                started.add(stack.instance("i" + i, settings).start());
            }
            KafkaChecks.awaitGroupMembers(stack.bootstrap(), applicationId, instances);
            log(instances + " instance(s) joined; producing " + workload.tasks() + " tasks");
            Instant produced;
            try (TaskFeed feed = new TaskFeed(stack.bootstrap(), ChaosStack.TASKS, applicationId, SEED,
                    dir.resolve("tasks.log"), workload::instruments)) {
                feed.produceTasks(workload.tasks());
                produced = Instant.now();
            }
            Instant from = produced.plus(workload.warmup());
            Instant to = from.plus(workload.window());
            sleepUntil(from);
            CpuSample start = CpuSample.of(started);
            sleepUntil(to);
            CpuSample end = CpuSample.of(started);
            // Results of calls completed just before the window's end may still be committing.
            sleepUntil(to.plusSeconds(2));
            double rate = completedBetween(stack.bootstrap(), from, to) / (double) workload.window().toMillis() * 1000;
            ScaleOutReport.Run run = new ScaleOutReport.Run(rate, end.instanceCoresSince(start),
                    end.machineBusySince(start), start.load(), end.load(),
                    workload.callSlotCapacity(endpointsAsked(settings)));
            log(String.format(Locale.ROOT, "%d instance(s): %.1f results/s; instances used %.2f cores, the machine "
                            + "was %.0f %% busy, load %.1f to %.1f", instances, rate, run.instanceCores(),
                    run.machineBusy() * 100, run.loadAtStart(), run.loadAtEnd()));
            return run;
        }
    }

    /** The endpoints of every host set of the exchanges the tasks ask for, as the instances are configured. */
    private static Map<String, Integer> endpointsAsked(Map<String, String> settings) {
        Properties properties = new Properties();
        properties.putAll(settings);
        properties.putIfAbsent("bootstrap.servers", "unused:9092");
        ServiceConfig config = ServiceConfig.fromProperties(properties);
        Map<String, Integer> endpoints = new LinkedHashMap<>();
        for (String exchange : SimulatedEndpoints.LENIENT_EXCHANGES) {
            config.routes().definitions().get(exchange).hostSets().keySet().forEach(hostSet ->
                    endpoints.put(hostSet, config.endpointsByExchange().get(hostSet).size()));
        }
        return endpoints;
    }

    private static void sleepUntil(Instant at) throws InterruptedException {
        long millis = Duration.between(Instant.now(), at).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    /** Committed results whose call completed in [from, to). */
    private static long completedBetween(String bootstrap, Instant from, Instant to) {
        AtomicLong count = new AtomicLong();
        KafkaChecks.forEach(bootstrap, ChaosStack.RESULTS, IsolationLevel.READ_COMMITTED, r -> {
            Instant completed = AvroCodec.results().decode(r.value()).getCompletedAt();
            if (!completed.isBefore(from) && completed.isBefore(to)) {
                count.incrementAndGet();
            }
        });
        return count.get();
    }

    private void log(String line) {
        progress.println("scale-out: " + line);
        progress.flush();
    }

    /**
     * What the instances work on.
     *
     * @param tasks            tasks produced at once, more than the instances finish within warm-up and window
     * @param exchangeLatency  the simulator's answer time for every call
     * @param slotsPerEndpoint calls in flight per endpoint on each route
     * @param routes           egress routes; each multiplies the limit domains and the partitions a host set uses
     * @param partitions       partitions of every topic
     * @param warmup           from the last task produced to the start of the window
     * @param window           the time whose completed calls are counted
     */
    public record ScaleOutWorkload(int tasks, Duration exchangeLatency, int slotsPerEndpoint, int routes,
                                   int partitions, Duration warmup, Duration window) {

        /**
         * Instruments asked for per exchange: routes are chosen by symbol, so four per route spread the tasks over
         * every route (the generator's default one or two per market would leave routes idle).
         */
        int instrumentsPerExchange() {
            return 4 * routes;
        }

        /** The generator asking for {@link #instrumentsPerExchange()} instruments of each exchange. */
        TaskGenerator.Builder instruments(TaskGenerator.Builder generator) {
            List<String> symbols = IntStream.range(0, instrumentsPerExchange()).mapToObj(i -> "SCALE" + i).toList();
            SimulatedEndpoints.LENIENT_EXCHANGES.forEach(exchange -> generator.symbols(exchange, symbols));
            return generator;
        }

        /**
         * The results per second the call slots allow at most, whatever the instance count: every endpoint of every
         * host set, on each partition its routes are decided on ({@code min(routes, partitions)}, as
         * {@code DecidingPartitioner} spreads them), completing one call per slot every {@link #exchangeLatency()}.
         * The tick between an answer and the next call on its slot (10 ms) is not counted.
         *
         * @param endpointsByHostSet endpoints of each host set the tasks are sent to
         */
        double callSlotCapacity(Map<String, Integer> endpointsByHostSet) {
            int partitionsPerHostSet = Math.min(routes, partitions);
            int endpoints = endpointsByHostSet.values().stream().mapToInt(Integer::intValue).sum();
            return endpoints * partitionsPerHostSet * slotsPerEndpoint * 1000.0 / exchangeLatency.toMillis();
        }

        /** The service settings on top of the stack's. */
        Map<String, String> serviceSettings() {
            List<String> names = new ArrayList<>(List.of("direct"));
            for (int r = 1; r < routes; r++) {
                names.add("route" + r);
            }
            return Map.of(
                    ServiceConfig.ROUTES, String.join(",", names),
                    ServiceConfig.EXECUTION_MAX_IN_FLIGHT, Integer.toString(slotsPerEndpoint),
                    "topic.partitions", Integer.toString(partitions));
        }

        /** One line for the output. */
        String describe() {
            return String.format(Locale.ROOT, "%,d tasks of %s (%d instruments each) over %d egress route(s), "
                            + "strict simulator with limits far above the load answering after %d ms, %d call "
                            + "slot(s) per endpoint and route, %d partitions; results completed per second from %d s "
                            + "after the last task was produced, for %d s",
                    tasks, SimulatedEndpoints.LENIENT_EXCHANGES, instrumentsPerExchange(), routes,
                    exchangeLatency.toMillis(), slotsPerEndpoint, partitions, warmup.toSeconds(), window.toSeconds());
        }
    }
}
