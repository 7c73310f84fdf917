package io.marketprism.ops.bench;

import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.engine.AfterCall;
import io.marketprism.reliability.engine.CallReport;
import io.marketprism.reliability.engine.Decision;
import io.marketprism.reliability.engine.DecisionEngine;
import io.marketprism.reliability.engine.EventListener;
import io.marketprism.reliability.state.InMemoryStateStorage;
import io.marketprism.reliability.engine.TaskView;
import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.limiter.WindowLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of one task through the {@link DecisionEngine}: {@code decide} and, when dispatched, {@code record}, over 100
 * limit domains (one exchange each) with 10 endpoints each, in-memory storage and queues. 5 % of the calls fail with
 * HTTP 500 and are scheduled for retry; the rest succeed. Engine time advances 1 ms per task, so each domain sees
 * 10 tasks per second, well inside its limits: almost every task is dispatched. {@code windowSlots} is the slot count
 * of the limiter's two one-minute windows (60 by default; fewer slots, less state to save, coarser windows).
 *
 * <p>{@code saving} says when the engine's changed components are written to the storage:
 * <ul>
 *   <li>{@code NONE}: never; the decisions alone.</li>
 *   <li>{@code EVERY_CALL}: after every decide and every record.</li>
 *   <li>{@code TOPOLOGY}: as the topology saves, at the end of every Kafka Streams invocation: after each task's
 *       decide (one input record), and once per tick for the calls finished in it. A tick hands back
 *       {@value #CALLS_PER_TICK} calls, 5 per domain: the pipeline's target of 50,000 tasks/s over 100 domains at the
 *       default 10 ms tick (the per-domain figure does not depend on how the domains spread over partitions).</li>
 * </ul>
 *
 * <p>Run: {@code java -cp ops.jar:deps org.openjdk.jmh.Main DecisionEngineBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecisionEngineBenchmark {

    private static final int DOMAINS = 100;
    private static final int ENDPOINTS_PER_DOMAIN = 10;
    private static final int TASKS_PER_DOMAIN = 64;
    private static final int OUTCOMES = 1024;
    private static final int FAILURE_PERCENT = 5;
    static final int CALLS_PER_TICK = 500;

    /** When changed state is saved: see the class comment. */
    public enum Saving { NONE, EVERY_CALL, TOPOLOGY }

    @Param({"60"})
    public int windowSlots;

    @Param({"NONE", "EVERY_CALL", "TOPOLOGY"})
    public Saving saving;

    private DecisionEngine engine;
    private InMemoryWaitQueue[] queues;
    private TaskView[][] tasks;
    private boolean[] fails;
    private final CallReport[] finished = new CallReport[CALLS_PER_TICK];
    private int finishedCount;
    private long now;
    private int sequence;

    @Setup
    public void setUp() {
        List<ExchangeProfile> profiles = new ArrayList<>();
        String[] endpoints = new String[ENDPOINTS_PER_DOMAIN];
        for (int e = 0; e < ENDPOINTS_PER_DOMAIN; e++) {
            endpoints[e] = "api" + e;
        }
        LimiterConfig limiter = LimiterConfig.builder()
                .windows(WindowLimit.weight(6000, 60_000).withSlots(windowSlots),
                        WindowLimit.requests(1200, 60_000).withSlots(windowSlots))
                .build();
        queues = new InMemoryWaitQueue[DOMAINS];
        tasks = new TaskView[DOMAINS][TASKS_PER_DOMAIN];
        for (int d = 0; d < DOMAINS; d++) {
            String exchange = "ex" + d;
            profiles.add(ExchangeProfile.builder(exchange, endpoints).limiter(limiter).build());
            queues[d] = new InMemoryWaitQueue();
            for (int t = 0; t < TASKS_PER_DOMAIN; t++) {
                tasks[d][t] = TaskView.of(exchange + "-task-" + t, exchange, "FUNDING_RATE");
            }
        }
        engine = new DecisionEngine(ReliabilityConfig.of(profiles.toArray(new ExchangeProfile[0])),
                new InMemoryStateStorage(), EventListener.IGNORE);
        SplittableRandom random = new SplittableRandom(42);
        fails = new boolean[OUTCOMES];
        for (int i = 0; i < OUTCOMES; i++) {
            fails[i] = random.nextInt(100) < FAILURE_PERCENT;
        }
        now = 1_700_000_000_000L;
    }

    /** One task: decide and, when it was dispatched, record the outcome of its call. */
    @Benchmark
    public Object decideAndRecord() {
        int i = sequence++;
        int domain = i % DOMAINS;
        TaskView task = tasks[domain][(i / DOMAINS) % TASKS_PER_DOMAIN];
        long at = ++now;
        Decision decision = engine.decide(task, queues[domain], at);
        if (saving != Saving.NONE) {
            engine.saveChanges();
        }
        if (!(decision instanceof Decision.Dispatch dispatch)) {
            return decision;
        }
        CallReport report = fails[i % OUTCOMES]
                ? CallReport.status(task, dispatch.endpoint(), 500, null, null, 40)
                : CallReport.success(task, dispatch.endpoint(), 20);
        if (saving != Saving.TOPOLOGY) {
            AfterCall after = engine.record(report, at);
            if (saving == Saving.EVERY_CALL) {
                engine.saveChanges();
            }
            return after;
        }
        finished[finishedCount++] = report;
        if (finishedCount < CALLS_PER_TICK) {
            return decision;
        }
        AfterCall last = null;
        for (int c = 0; c < finishedCount; c++) {
            last = engine.record(finished[c], at);
        }
        finishedCount = 0;
        engine.saveChanges();
        return last;
    }
}
