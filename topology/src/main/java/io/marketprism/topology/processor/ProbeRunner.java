package io.marketprism.topology.processor;

import io.marketprism.reliability.engine.DecisionEngine;
import io.marketprism.reliability.engine.ProbeRequest;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.exec.TaskExecutor;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Active health checks of ejected endpoints and the trial calls of half-open breakers (which are probes, never
 * tasks): starts the probes the engine says are due, each on the egress route the
 * engine chose (one the exchange does not ban), on the executor's threads and reports each finished one back, on the
 * stream thread. Probes are not tasks: no ledger entry, no output record, no
 * call slot. One probe per endpoint runs at a time: the engine hands a probe out again only once its outcome is
 * recorded. A probe the engine charged to a limit domain is counted there again at its answer, as a task's call is.
 */
final class ProbeRunner {

    /** A probe's outcome; {@code answeredAt} {@link Long#MAX_VALUE} when no answer came (counted at the report). */
    private record FinishedProbe(ProbeRequest probe, boolean ok, long sentAt, long answeredAt) {
    }

    private final TaskExecutor executor;
    private final Map<String, Endpoint> endpointsById;
    private final ReliabilityMetrics metrics;
    private final Queue<FinishedProbe> finished = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    ProbeRunner(TaskExecutor executor, Map<String, Endpoint> endpointsById, ReliabilityMetrics metrics) {
        this.executor = executor;
        this.endpointsById = endpointsById;
        this.metrics = metrics;
    }

    /** Reports the probes finished since the last call, then starts those due now. */
    void run(DecisionEngine engine, long now) {
        FinishedProbe done;
        while ((done = finished.poll()) != null) {
            metrics.onProbe(endpointId(done.probe()), done.ok());
            engine.recordProbe(done.probe().exchange(), done.probe().endpoint(), done.ok(), now);
            engine.countProbeAnswered(done.probe(), done.sentAt(), done.answeredAt(), now);
        }
        for (ProbeRequest probe : engine.probesDue(now)) {
            Endpoint endpoint = endpointsById.get(endpointId(probe));
            if (endpoint == null) {
                finished.add(new FinishedProbe(probe, false, now, Long.MAX_VALUE));
                continue;
            }
            try {
                executor.probe(endpoint, probe.route()).whenComplete((result, error) -> {
                    if (!closed) {
                        finished.add(error == null
                                ? new FinishedProbe(probe, result.showsHealthy(), now,
                                        result.startedAt() + Math.max(0, result.latencyMillis()))
                                : new FinishedProbe(probe, false, now, Long.MAX_VALUE));
                    }
                });
            } catch (RuntimeException executorFailure) {
                finished.add(new FinishedProbe(probe, false, now, Long.MAX_VALUE));
            }
        }
    }

    void close() {
        closed = true;
    }

    private static String endpointId(ProbeRequest probe) {
        return probe.exchange() + "/" + probe.endpoint();
    }
}
