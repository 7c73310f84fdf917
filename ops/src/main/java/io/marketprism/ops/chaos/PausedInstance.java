package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.kafka.FailoverSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Scenario 5: an instance frozen with SIGSTOP for longer than its poll interval, its session and its transaction
 * timeout, while tasks keep coming, then resumed with SIGCONT. Its group has moved its tasks to the other instance
 * and the broker has aborted its open transaction, so when it wakes it is fenced: its writes never appear under
 * read_committed, every task still ends once, and the instance rejoins and works on.
 */
public final class PausedInstance implements Scenario {

    private static final Duration POLL_INTERVAL = Duration.ofSeconds(15);
    /** What a zombie's client logs when the broker or the group refuses it. */
    private static final Pattern FENCED = Pattern.compile(
            "ProducerFenced|InvalidProducerEpoch|TaskMigrated|fenced|CommitFailed|out of the group",
            Pattern.CASE_INSENSITIVE);

    @Override
    public String name() {
        return "paused";
    }

    @Override
    public String title() {
        return "SIGSTOP of an instance past its poll interval while tasks flow, then SIGCONT: it is fenced, its "
                + "writes never appear";
    }

    @Override
    public ScenarioReport run(ChaosRun run) throws Exception {
        Duration pause = Duration.ofSeconds(run.scale().pick(60, 25));
        int tasksPerPhase = run.scale().pick(20_000, 5_000);
        // Calls take a while, so the frozen instance holds calls in flight and an open transaction.
        run.stack().exchange().setFaults(FaultProfile.builder().fixedLatency(Duration.ofMillis(20)).build());
        Map<String, String> settings = run.settings(Map.of(
                "kafka.max.poll.interval.ms", Long.toString(POLL_INTERVAL.toMillis())));
        List<ServiceInstance> instances = run.startInstances(2, settings);
        ServiceInstance frozen = instances.get(0);
        TaskFeed feed = run.feed();

        feed.produceTasks(tasksPerPhase);
        run.awaitTerminalProgress(tasksPerPhase / 4, Duration.ofMinutes(5));
        long logBefore = Files.size(frozen.log());
        frozen.pause();
        run.fault("SIGSTOP instance " + frozen.name() + " for " + pause.toSeconds() + " s (poll interval "
                + POLL_INTERVAL.toSeconds() + " s, session " + FailoverSettings.SESSION_TIMEOUT.toMillis()
                + " ms, transaction timeout " + FailoverSettings.TRANSACTION_TIMEOUT.toMillis() + " ms)");
        feed.produceTasks(tasksPerPhase);
        Thread.sleep(pause.toMillis());
        frozen.resume();
        run.fault("SIGCONT instance " + frozen.name());
        feed.produceTasks(tasksPerPhase);

        Verdict verdict = run.verify(Duration.ofMinutes(run.scale().pick(10, 4)));
        run.expectNoFailedAttempts(verdict);
        String after = tail(frozen, logBefore);
        long fencedLines = after.lines().filter(l -> FENCED.matcher(l).find()).count();
        run.figure("fencing messages in the resumed instance's log", Long.toString(fencedLines));
        run.figure("aborted records seen only by read_uncommitted", Long.toString(verdict.abortedRecords()));
        if (fencedLines == 0) {
            run.fail("the resumed instance's log shows no fencing: did the pause outlast its session?");
        }
        if (!frozen.isRunning()) {
            run.fail("the resumed instance died instead of rejoining");
        }
        run.figure("resumed instance alive", Boolean.toString(frozen.isRunning()).toLowerCase(Locale.ROOT));
        return run.report(Expectation.EXACTLY_ONCE, verdict);
    }

    /** What the instance logged after {@code offset}. */
    private static String tail(ServiceInstance instance, long offset) throws IOException {
        byte[] all = Files.readAllBytes(instance.log());
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                StandardCharsets.UTF_8);
    }
}
