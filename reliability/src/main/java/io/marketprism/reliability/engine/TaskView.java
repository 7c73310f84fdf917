package io.marketprism.reliability.engine;

import io.marketprism.reliability.Checks;
import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.Priority;
import java.util.Map;
import java.util.Objects;

/**
 * What the {@link DecisionEngine} needs to know about a task it decides on.
 *
 * @param taskId       the task's id
 * @param exchange     the exchange (a configured profile name)
 * @param domain       the limit domain whose budget it spends (usually the exchange)
 * @param dataType     the {@code DataType} symbol, e.g. {@code ORDER_BOOK}; decides the weight with {@code params}
 * @param params       request parameters, e.g. {@code limit=500}
 * @param priority     admission priority
 * @param weight       the weight when the task states one, else null (computed from the exchange profile)
 * @param attempt      the attempt this decision is for, 1 for the first
 * @param deadline     epoch millis after which the result is useless, or null
 * @param notBefore    epoch millis before which the task must not be sent (a scheduled retry), or null
 * @param lastEndpoint the endpoint the previous attempt went to, or null
 * @param lastError    how the previous attempt failed, or null; NETWORK and TIMEOUT fail over to another endpoint
 */
public record TaskView(String taskId, String exchange, String domain, String dataType, Map<String, String> params,
                       Priority priority, Integer weight, int attempt, Long deadline, Long notBefore,
                       String lastEndpoint, ErrorClass lastError) {

    public TaskView {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(priority, "priority");
        params = params == null ? Map.of() : Map.copyOf(params);
        Checks.inRange("attempt", attempt, 1, Integer.MAX_VALUE);
        if (weight != null) {
            Checks.inRange("weight", weight, 1, Integer.MAX_VALUE);
        }
    }

    /**
     * The endpoint this attempt should steer clear of: the last one when it failed with NETWORK or TIMEOUT, else
     * null. The balancer still falls back to it when no other endpoint is usable.
     */
    public String avoidEndpoint() {
        return endpointToAvoid(lastEndpoint, lastError);
    }

    /**
     * {@link #avoidEndpoint()} of a task whose last attempt went to {@code lastEndpoint} and ended in
     * {@code lastError}.
     */
    public static String endpointToAvoid(String lastEndpoint, ErrorClass lastError) {
        boolean networkFailure = lastError == ErrorClass.NETWORK || lastError == ErrorClass.TIMEOUT;
        return networkFailure ? lastEndpoint : null;
    }

    /** A first attempt of {@code taskId} in the domain named like its exchange, NORMAL priority, no limits. */
    public static TaskView of(String taskId, String exchange, String dataType) {
        return new TaskView(taskId, exchange, exchange, dataType, Map.of(), Priority.NORMAL, null, 1, null, null,
                null, null);
    }

    public TaskView withPriority(Priority value) {
        return new TaskView(taskId, exchange, domain, dataType, params, value, weight, attempt, deadline, notBefore,
                lastEndpoint, lastError);
    }

    public TaskView withParams(Map<String, String> value) {
        return new TaskView(taskId, exchange, domain, dataType, value, priority, weight, attempt, deadline, notBefore,
                lastEndpoint, lastError);
    }

    public TaskView withWeight(Integer value) {
        return new TaskView(taskId, exchange, domain, dataType, params, priority, value, attempt, deadline, notBefore,
                lastEndpoint, lastError);
    }

    public TaskView withDeadline(Long value) {
        return new TaskView(taskId, exchange, domain, dataType, params, priority, weight, attempt, value, notBefore,
                lastEndpoint, lastError);
    }

    /** The task as it comes back for {@code nextAttempt} after failing with {@code error} at {@code endpoint}. */
    public TaskView retry(int nextAttempt, Long notBeforeAt, String endpoint, ErrorClass error) {
        return new TaskView(taskId, exchange, domain, dataType, params, priority, weight, nextAttempt, deadline,
                notBeforeAt, endpoint, error);
    }
}
