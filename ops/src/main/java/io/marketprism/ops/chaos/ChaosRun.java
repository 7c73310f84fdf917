package io.marketprism.ops.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One scenario's run: its stack, scale and seed, the generator, the verifier, and what it records as it goes
 * (faults with their times, figures, failed checks), with progress lines on {@code progress}.
 */
public final class ChaosRun {

    /** What a stream thread's death leaves in an instance's log (MarketPrismService's uncaught-exception handler). */
    static final String THREAD_FAILED = "stream thread failed";

    private final Scenario scenario;
    private final ChaosStack stack;
    private final Scale scale;
    private final long seed;
    private final PrintWriter progress;
    private final long startedAt = System.nanoTime();
    private final List<String> faults = new ArrayList<>();
    private final Map<String, String> figures = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final List<ServiceInstance> instances = new ArrayList<>();
    private TaskFeed feed;

    public ChaosRun(Scenario scenario, ChaosStack stack, Scale scale, long seed, PrintWriter progress) {
        this.scenario = scenario;
        this.stack = stack;
        this.scale = scale;
        this.seed = seed;
        this.progress = progress;
    }

    public ChaosStack stack() {
        return stack;
    }

    public Scale scale() {
        return scale;
    }

    public long seed() {
        return seed;
    }

    /** The scenario's service settings: the stack's, application id {@code chaos-<scenario>}, then {@code overrides}. */
    public Map<String, String> settings(Map<String, String> overrides) {
        return stack.serviceSettings("chaos-" + scenario.name(), overrides);
    }

    /** Starts {@code count} instances named a, b, c... with {@code settings} and waits until all joined the group. */
    public List<ServiceInstance> startInstances(int count, Map<String, String> settings) throws IOException {
        List<ServiceInstance> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ServiceInstance instance = stack.instance(String.valueOf((char) ('a' + instances.size())), settings);
            instances.add(instance);
            started.add(instance.start());
        }
        awaitMembers(settings, instances.stream().filter(ServiceInstance::isRunning).count());
        log("started instance(s) " + started.stream().map(ServiceInstance::name).toList());
        return started;
    }

    /** Waits until the group has {@code members} members. */
    public void awaitMembers(Map<String, String> settings, long members) {
        KafkaChecks.awaitGroupMembers(stack.bootstrap(), settings.get("application.id"), (int) members);
    }

    /** The generator, its log {@code tasks.log} in the work directory. */
    public TaskFeed feed() throws IOException {
        if (feed == null) {
            feed = new TaskFeed(stack.bootstrap(), ChaosStack.TASKS, scenario.name(), seed,
                    stack.workDir().resolve("tasks-" + scenario.name() + ".log"));
        }
        return feed;
    }

    /** Committed records and markers on the terminal topics now: a cheap progress measure. */
    public long terminalProgress() {
        return KafkaChecks.committedEnd(stack.bootstrap(), ChaosStack.RESULTS)
                + KafkaChecks.committedEnd(stack.bootstrap(), ChaosStack.DEAD_LETTERS);
    }

    /** Waits up to {@code atMost} until {@link #terminalProgress()} reaches {@code count}. */
    public void awaitTerminalProgress(long count, Duration atMost) {
        Deadline.within(atMost).await(() -> terminalProgress() >= count, count + " terminal records");
    }

    /** Records a fault injected now, and says so on the progress stream. */
    public void fault(String what) {
        String line = String.format(Locale.ROOT, "t+%.1f s %s", seconds(), what);
        faults.add(line);
        log("fault: " + what);
    }

    /** A progress line. */
    public void log(String line) {
        progress.printf(Locale.ROOT, "[%s %6.1f s] %s%n", scenario.name(), seconds(), line);
        progress.flush();
    }

    /** Records a measurement under {@code name}. */
    public void figure(String name, String value) {
        figures.put(name, value);
        log(name + ": " + value);
    }

    /** Records a check of the scenario's own that did not hold. */
    public void fail(String what) {
        failures.add(what);
        log("FAILED: " + what);
    }

    /** Seconds since the run started. */
    public double seconds() {
        return (System.nanoTime() - startedAt) / 1e9;
    }

    /** Replaced stream threads, over every instance's log: each is a thread that died. */
    public long threadFailures() {
        return instances.stream().mapToLong(instance -> {
            try {
                if (!Files.exists(instance.log())) {
                    return 0;
                }
                try (var lines = Files.lines(instance.log(), StandardCharsets.UTF_8)) {
                    return lines.filter(l -> l.contains(THREAD_FAILED)).count();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).sum();
    }

    /**
     * Verifies what the generator produced, waiting up to {@code within} for it to end, and checks that no stream
     * thread died.
     */
    public Verdict verify(Duration within) throws IOException {
        return verify(within, within);
    }

    /**
     * As {@link #verify(Duration)}, but gives up waiting for missing tasks once the output has not grown for
     * {@code settled} (see {@link ExactlyOnceVerifier#verify(List, Duration, Duration)}).
     */
    public Verdict verify(Duration within, Duration settled) throws IOException {
        feed().close();
        log("verifying " + feed.produced().size() + " records");
        Verdict verdict = new ExactlyOnceVerifier(stack.bootstrap()).verify(feed.produced(), within, settled);
        log("verdict: " + verdict.summary());
        long died = threadFailures();
        if (died > 0) {
            fail(died + " stream thread(s) died (see the instance logs in " + stack.workDir() + ")");
        }
        return verdict;
    }

    /**
     * Checks the attempt histories against an exchange that injected no faults: every recorded attempt must have
     * succeeded (a call cut short by a kill leaves no attempt behind; it is made again).
     */
    public void expectNoFailedAttempts(Verdict verdict) {
        if (verdict.failedAttempts() > 0) {
            fail(verdict.failedAttempts() + " failed attempts in the histories, though the exchange injected no faults");
        }
    }

    /** The report: the faults, figures and failed checks recorded so far, and the verdict. */
    public ScenarioReport report(Expectation expectation, Verdict verdict) {
        return new ScenarioReport(scenario.name(), scenario.title(), expectation, List.copyOf(faults), verdict,
                Collections.unmodifiableMap(new LinkedHashMap<>(figures)), List.copyOf(failures),
                Duration.ofMillis((long) (seconds() * 1000)));
    }

    /** Seconds with one decimal, for figures. */
    public static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
