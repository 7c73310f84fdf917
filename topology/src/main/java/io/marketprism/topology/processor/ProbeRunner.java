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
 * recorded.
 */
final class ProbeRunner {

    private record FinishedProbe(ProbeRequest probe, boolean ok) {
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
        }
        for (ProbeRequest probe : engine.probesDue(now)) {
            Endpoint endpoint = endpointsById.get(endpointId(probe));
            if (endpoint == null) {
                finished.add(new FinishedProbe(probe, false));
                continue;
            }
            try {
                executor.probe(endpoint, probe.route()).whenComplete((result, error) -> {
                    if (!closed) {
                        finished.add(new FinishedProbe(probe, error == null && result.showsHealthy()));
                    }
                });
            } catch (RuntimeException executorFailure) {
                finished.add(new FinishedProbe(probe, false));
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
