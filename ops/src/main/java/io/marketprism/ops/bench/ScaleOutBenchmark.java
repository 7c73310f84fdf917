package io.marketprism.ops.bench;

import io.marketprism.ops.chaos.ChaosStack;
import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.ops.chaos.ServiceInstance;
import io.marketprism.ops.chaos.TaskFeed;
import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.local.SimulatedEndpoints;
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
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.IsolationLevel;

/**
 * The scale-out suite: the same backlog of tasks worked off by 1, 2 and 4 instances (child JVMs, as deployed), each
 * count on a fresh broker and simulator, and the results completed per second in a window after the warm-up.
 *
 * <p>The workload is I/O-bound the way a real deployment is, not CPU-bound: the chaos stack's strict simulator, its
 * limits far above the load, answers every call after {@link ScaleOutWorkload#exchangeLatency()}, each endpoint takes
 * {@link ScaleOutWorkload#slotsPerEndpoint()} calls at once ({@code execution.max.in.flight.per.endpoint}), and the
 * tasks of three exchanges spread
 * over {@link ScaleOutWorkload#routes()} egress routes, each route a limit domain of its own per limit group; budgets
 * are far above the load, so the call slots bound the throughput.
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
        Map<Integer, Double> resultsPerSecond = new LinkedHashMap<>();
        for (int instances : INSTANCES) {
            resultsPerSecond.put(instances, measure(instances, workDir.resolve(instances + "-instances")));
        }
        return new ScaleOutReport(workload, resultsPerSecond, loadBefore, BenchmarkReport.loadAverage());
    }

    private double measure(int instances, Path dir) throws Exception {
        try (ChaosStack stack = ChaosStack.start(dir, SEED)) {
            stack.exchange().setFaults(FaultProfile.builder().fixedLatency(workload.exchangeLatency()).build());
            String applicationId = "bench-scale-out-" + instances;
            Map<String, String> settings = stack.serviceSettings(applicationId, workload.serviceSettings());
            settings.remove(ChaosStack.COMMIT_INTERVAL);
            List<ServiceInstance> started = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                started.add(stack.instance("i" + i, settings).start());
            }
            KafkaChecks.awaitGroupMembers(stack.bootstrap(), applicationId, instances);
            log(instances + " instance(s) joined; producing " + workload.tasks() + " tasks");
            Instant produced;
            try (TaskFeed feed = new TaskFeed(stack.bootstrap(), ChaosStack.TASKS, applicationId, SEED,
                    dir.resolve("tasks.log"))) {
                feed.produceTasks(workload.tasks());
                produced = Instant.now();
            }
            Instant from = produced.plus(workload.warmup());
            Instant to = from.plus(workload.window());
            Thread.sleep(Duration.between(Instant.now(), to).plusSeconds(2).toMillis());
            double rate = completedBetween(stack.bootstrap(), from, to) / (double) workload.window().toMillis() * 1000;
            log(String.format(Locale.ROOT, "%d instance(s): %.1f results/s", instances, rate));
            return rate;
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
     * @param slotsPerEndpoint calls in flight per endpoint and domain
     * @param routes           egress routes; each multiplies the limit domains
     * @param partitions       partitions of every topic
     * @param warmup           from the last task produced to the start of the window
     * @param window           the time whose completed calls are counted
     */
    public record ScaleOutWorkload(int tasks, Duration exchangeLatency, int slotsPerEndpoint, int routes,
                                   int partitions, Duration warmup, Duration window) {

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
            return String.format(Locale.ROOT, "%,d tasks of %s over %d egress route(s), simulator answering "
                            + "after %d ms, %d call slot(s) per endpoint, budgets far above the load, %d partitions; "
                            + "results completed per second from %d s after the last task was produced, for %d s",
                    tasks, SimulatedEndpoints.LENIENT_EXCHANGES, routes, exchangeLatency.toMillis(), slotsPerEndpoint,
                    partitions, warmup.toSeconds(), window.toSeconds());
        }
    }
}
