package io.marketprism.topology.processor;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.exec.CallResult;
import io.marketprism.topology.exec.TaskExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * Starts the calls of dispatched tasks on the executor's threads and hands every started call back exactly once, as
 * a permit of Netflix's concurrency limiters is answered once: with its result, or with a failure when the executor
 * threw or the endpoint is not configured. A call is known by its own id, never by its task's, so two calls never
 * share an answer. The stream thread never waits: answers queue up until {@link #takeFinished}.
 *
 * <p>One dispatcher per processor incarnation: after {@link #close} late answers are dropped; the ledger replays
 * their calls in the next incarnation.
 */
final class CallDispatcher {

    /**
     * A started call: the dispatched task, the endpoint id ({@code hostSet/endpoint}) it was sent to, the domain of
     * the limit group it was budgeted in (on its route) and when its budget counted it ({@link #NOT_COUNTED} for a
     * call carried on).
     */
    record Call(long id, String endpointId, String domain, CollectorTask task, long countedAt) {
    }

    /** The count time of a call carried on from a previous incarnation, which this one's budgets did not count. */
    static final long NOT_COUNTED = Long.MIN_VALUE;

    /** A call and what it produced. */
    record Finished(Call call, CallResult result) {
    }

    private final TaskExecutor executor;
    private final Map<String, Endpoint> endpointsById;
    private final Map<Long, Call> running = new HashMap<>();
    private final Map<String, Integer> runningByEndpoint = new HashMap<>();
    private final Map<String, Integer> runningByDomain = new HashMap<>();
    private final Function<CollectorTask, String> domainOf;
    private final Queue<Finished> answers = new ConcurrentLinkedQueue<>();
    private long nextId;
    private volatile boolean closed;

    /** @param domainOf the domain of a task's limit group on its route, by which running calls are counted */
    CallDispatcher(TaskExecutor executor, Map<String, Endpoint> endpointsById,
                   Function<CollectorTask, String> domainOf) {
        this.domainOf = domainOf;
        this.executor = executor;
        this.endpointsById = endpointsById;
    }

    /**
     * Starts the call of {@code task}, admitted at {@code now}, to {@code endpointId}; its answer comes back from
     * {@link #takeFinished}.
     */
    Call start(String endpointId, CollectorTask task, long now) {
        return begin(endpointId, task, now, now);
    }

    /** Starts again the call of a restored ledger entry, which this incarnation's budgets did not admit. */
    Call carryOn(String endpointId, CollectorTask task, long now) {
        return begin(endpointId, task, NOT_COUNTED, now);
    }

    private Call begin(String endpointId, CollectorTask task, long countedAt, long now) {
        Call call = new Call(nextId++, endpointId, domainOf.apply(task), task, countedAt);
        running.put(call.id(), call);
        runningByEndpoint.merge(endpointId, 1, Integer::sum);
        runningByDomain.merge(call.domain(), 1, Integer::sum);
        Endpoint endpoint = endpointsById.get(endpointId);
        if (endpoint == null) {
            answers.add(new Finished(call, CallResult.failure(now, 0,
                    new IllegalStateException("endpoint " + endpointId + " is not configured"))));
            return call;
        }
        try {
            executor.execute(task, endpoint).whenComplete((result, error) -> {
                if (!closed) {
                    answers.add(new Finished(call, error != null || result == null
                            ? CallResult.failure(now, 0, error != null ? error : new NullPointerException("no result"))
                            : result));
                }
            });
        } catch (RuntimeException executorFailure) {
            answers.add(new Finished(call, CallResult.failure(now, 0, executorFailure)));
        }
        return call;
    }

    /** Forgets a started call whose task is being given up: its answer, when it comes, is dropped. */
    void forget(Call call) {
        if (running.remove(call.id()) != null) {
            runningByEndpoint.merge(call.endpointId(), -1, Integer::sum);
            runningByDomain.merge(call.domain(), -1, Integer::sum);
        }
    }

    /** The calls answered since the last take, each once, in the order the answers came. */
    List<Finished> takeFinished() {
        List<Finished> finished = List.of();
        Finished answer;
        while ((answer = answers.poll()) != null) {
            if (running.remove(answer.call().id()) == null) {
                continue;
            }
            runningByEndpoint.merge(answer.call().endpointId(), -1, Integer::sum);
            runningByDomain.merge(answer.call().domain(), -1, Integer::sum);
            if (finished.isEmpty()) {
                finished = new ArrayList<>();
            }
            finished.add(answer);
        }
        return finished;
    }

    /** Calls started to {@code endpointId} and not handed back yet. */
    int running(String endpointId) {
        return runningByEndpoint.getOrDefault(endpointId, 0);
    }

    /** Calls of tasks budgeted in {@code domain} started and not handed back yet. */
    int runningIn(String domain) {
        return runningByDomain.getOrDefault(domain, 0);
    }

    void close() {
        closed = true;
    }
}
