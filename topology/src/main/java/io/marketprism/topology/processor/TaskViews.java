package io.marketprism.topology.processor;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.Priority;
import io.marketprism.reliability.engine.TaskView;
import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.exchange.ExchangeRoutes;
import java.util.List;

/**
 * Translates between the Avro task and what the decision engine sees of it: the engine's exchange is the host set the
 * task's request goes to, its domain the task's limit domain, its parameters the request's (defaults included, which
 * decide the weight).
 */
final class TaskViews {

    private final ExchangeRoutes routes;

    TaskViews(ExchangeRoutes routes) {
        this.routes = routes;
    }

    /**
     * The engine's view of the next attempt of a task.
     *
     * @throws IllegalArgumentException when the task does not resolve to a request (see {@link ExchangeRoutes#resolve})
     */
    TaskView of(CollectorTask task) {
        return of(task, routes.resolve(task));
    }

    /** The engine's view of the next attempt of a task already resolved to {@code resolved}. */
    static TaskView of(CollectorTask task, ExchangeRoutes.Resolved resolved) {
        Attempt last = lastAttempt(task);
        return new TaskView(task.getTaskId(), resolved.hostSet(), resolved.domain(), task.getDataType().name(),
                resolved.request().query(), Priority.valueOf(task.getPriority().name()), task.getWeight(),
                task.getAttempt() + 1,
                task.getDeadline() == null ? null : task.getDeadline().toEpochMilli(),
                task.getNotBefore() == null ? null : task.getNotBefore().toEpochMilli(),
                endpointOf(last), errorOf(last));
    }

    /**
     * The engine's view of a task as its limiter charged it, in {@code domain} of {@code exchange} with
     * {@code weight}: what a refund needs once the task no longer resolves there (its definition changed while it
     * waited).
     */
    static TaskView asCharged(CollectorTask task, String exchange, String domain, int weight) {
        return new TaskView(task.getTaskId(), exchange, domain, task.getDataType().name(), task.getParams(),
                Priority.valueOf(task.getPriority().name()), weight, task.getAttempt() + 1, null, null, null, null);
    }

    /**
     * The endpoint the task's next attempt should steer clear of ({@link TaskView#avoidEndpoint()}), or null: what a
     * task waiting in the limiter's queue keeps of its failover history. Reads only the last attempt, since the queue
     * asks on every look at a waiting task.
     */
    static String avoidEndpoint(CollectorTask task) {
        Attempt last = lastAttempt(task);
        return TaskView.endpointToAvoid(endpointOf(last), errorOf(last));
    }

    private static Attempt lastAttempt(CollectorTask task) {
        List<Attempt> history = task.getAttempts();
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }

    private static String endpointOf(Attempt attempt) {
        return attempt == null ? null : endpointName(attempt.getEndpoint());
    }

    private static ErrorClass errorOf(Attempt attempt) {
        return attempt == null || attempt.getErrorClass() == null ? null
                : ErrorClass.valueOf(attempt.getErrorClass().name());
    }

    /** {@code binance-spot/api1} → {@code binance-spot}. */
    static String exchangeName(String endpointId) {
        int slash = endpointId.indexOf('/');
        return slash < 0 ? endpointId : endpointId.substring(0, slash);
    }

    /** {@code binance-spot/api1} → {@code api1}. */
    static String endpointName(String endpointId) {
        int slash = endpointId.indexOf('/');
        return slash < 0 ? endpointId : endpointId.substring(slash + 1);
    }
}
