package io.marketprism.topology.processor;

import io.marketprism.reliability.engine.DecisionEngine;
import io.marketprism.topology.admin.AdminCommand;
import io.marketprism.topology.admin.AdminCommandApplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * Applies the admin commands queued for one partition (force a breaker open or closed, reset it, lift a ban) on the
 * stream thread, through the partition's engine ({@code DecisionEngine.apply}), which saves the change with its
 * other changes at the end of the invocation.
 *
 * <p>A command is confirmed ({@link AdminCommand#committed()}) once this stream thread's {@code commit-total} grew
 * past its value when the command was applied: Kafka Streams counts a commit only after the transaction committed,
 * and under exactly_once_v2 one transaction covers every task of the thread, so that commit carried the change.
 */
final class OperatorCommands {

    private static final String COMMIT_TOTAL = "commit-total";
    private static final String THREAD_METRICS = "stream-thread-metrics";

    private record AwaitingCommit(AdminCommand command, String summary, double commitsWhenApplied) {
    }

    private final ProcessorSettings settings;
    private final int partition;
    private final StreamsMetrics streamsMetrics;
    private final List<AwaitingCommit> awaitingCommit = new ArrayList<>();
    private Metric commits;

    OperatorCommands(ProcessorSettings settings, int partition, StreamsMetrics streamsMetrics) {
        this.settings = settings;
        this.partition = partition;
        this.streamsMetrics = streamsMetrics;
    }

    /**
     * Confirms the commands a commit has carried since, then applies the queued ones through {@code engine}; returns
     * whether one changed something.
     */
    boolean apply(DecisionEngine engine, long now) {
        confirmCommitted();
        AdminCommand command = settings.mailbox().poll(partition);
        if (command == null) {
            return false;
        }
        boolean changed = false;
        double commitsNow = committedSoFar();
        for (; command != null; command = settings.mailbox().poll(partition)) {
            changed |= AdminCommandApplier.apply(command, engine, now);
            String summary = command.done().isDone() && !command.done().isCompletedExceptionally()
                    && !command.done().isCancelled() ? command.done().join() : null;
            if (summary != null) {
                awaitingCommit.add(new AwaitingCommit(command, summary, commitsNow));
            }
        }
        return changed;
    }

    private void confirmCommitted() {
        if (awaitingCommit.isEmpty()) {
            return;
        }
        double commitsNow = committedSoFar();
        awaitingCommit.removeIf(waiting -> {
            if (commitsNow > waiting.commitsWhenApplied()) {
                waiting.command().committed().complete(waiting.summary());
                return true;
            }
            return false;
        });
    }

    /** This stream thread's commit count; NaN where Streams keeps no thread metrics (test drivers). */
    private double committedSoFar() {
        if (commits == null) {
            String thread = Thread.currentThread().getName();
            for (Map.Entry<MetricName, ? extends Metric> metric : streamsMetrics.metrics().entrySet()) {
                MetricName name = metric.getKey();
                if (name.name().equals(COMMIT_TOTAL) && name.group().equals(THREAD_METRICS)
                        && thread.equals(name.tags().get("thread-id"))) {
                    commits = metric.getValue();
                }
            }
        }
        return commits == null ? Double.NaN : ((Number) commits.metricValue()).doubleValue();
    }
}
