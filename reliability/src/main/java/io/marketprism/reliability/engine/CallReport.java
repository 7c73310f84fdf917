package io.marketprism.reliability.engine;

import io.marketprism.reliability.Checks;
import java.util.Objects;

/**
 * How one dispatched call ended, reported to {@link DecisionEngine#record}. Every dispatch is answered by exactly one
 * report, also when the call could not be made (report it as failed with the exception).
 *
 * @param taskId           the task
 * @param exchange         its exchange
 * @param domain           its limit domain
 * @param endpoint         the endpoint the engine dispatched it to
 * @param attempt          the attempt that was made, 1 for the first
 * @param deadline         the task's deadline in epoch millis, or null
 * @param success          whether the call returned usable data
 * @param httpStatus       the HTTP status, or null when no answer arrived
 * @param exceptionClass   the exception's fully qualified class name, or null
 * @param errorCode        the exchange's error code from the body, or null
 * @param latencyMillis    how long the call took
 * @param retryAfterMillis the exchange's Retry-After in milliseconds, or null
 * @param usedWeight       the exchange's used-weight header, or null
 */
public record CallReport(String taskId, String exchange, String domain, String endpoint, int attempt, Long deadline,
                         boolean success, Integer httpStatus, String exceptionClass, String errorCode,
                         long latencyMillis, Long retryAfterMillis, Long usedWeight) {

    public CallReport {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(endpoint, "endpoint");
        Checks.inRange("attempt", attempt, 1, Integer.MAX_VALUE);
        Checks.inRange("latencyMillis", latencyMillis, 0, Long.MAX_VALUE);
    }

    /** A successful call answered with 200. */
    public static CallReport success(TaskView task, String endpoint, long latencyMillis) {
        return new CallReport(task.taskId(), task.exchange(), task.domain(), endpoint, task.attempt(),
                task.deadline(), true, 200, null, null, latencyMillis, null, null);
    }

    /** A call answered with an error {@code status}, optionally with the exchange's code and Retry-After. */
    public static CallReport status(TaskView task, String endpoint, int status, String errorCode,
                                    Long retryAfterMillis, long latencyMillis) {
        return new CallReport(task.taskId(), task.exchange(), task.domain(), endpoint, task.attempt(),
                task.deadline(), false, status, null, errorCode, latencyMillis, retryAfterMillis, null);
    }

    /** A call that threw {@code exceptionClass} before an answer arrived. */
    public static CallReport exception(TaskView task, String endpoint, String exceptionClass, long latencyMillis) {
        return new CallReport(task.taskId(), task.exchange(), task.domain(), endpoint, task.attempt(),
                task.deadline(), false, null, exceptionClass, null, latencyMillis, null, null);
    }

    /** This report with the exchange's used-weight header. */
    public CallReport withUsedWeight(Long value) {
        return new CallReport(taskId, exchange, domain, endpoint, attempt, deadline, success, httpStatus,
                exceptionClass, errorCode, latencyMillis, retryAfterMillis, value);
    }
}
