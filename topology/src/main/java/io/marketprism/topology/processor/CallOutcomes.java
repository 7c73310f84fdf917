package io.marketprism.topology.processor;

import io.marketprism.reliability.engine.AfterCall;
import io.marketprism.reliability.engine.CallReport;
import io.marketprism.reliability.engine.DecisionEngine;
import io.marketprism.reliability.engine.TaskView;
import io.marketprism.reliability.exchange.ErrorRules;
import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.AttemptOutcome;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.ErrorClass;
import io.marketprism.schemas.TaskResult;
import io.marketprism.topology.exchange.ExchangeRoutes;
import io.marketprism.topology.exec.CallResult;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a finished call into its task's outcome: counts it in its budget from its answer on, reports the call to the
 * engine (which feeds breaker, balancer, limiter and retry budget, and decides on a retry), appends the attempt to the
 * task's history, and hands the result, the retry or the dead letter to the sink. A 2xx body too large to publish is
 * a dead letter RESULT_TOO_LARGE: the exchange answered, so the endpoint counts as healthy, but calling again returns
 * the same.
 */
final class CallOutcomes {

    private static final int MESSAGE_BODY_CHARS = 200;

    private final OutcomeSink sink;
    private final ReliabilityMetrics metrics;
    private final int maxBodyBytes;
    private final TaskViews views;
    private final ExchangeRoutes routes;

    CallOutcomes(OutcomeSink sink, ReliabilityMetrics metrics, int maxBodyBytes, ExchangeRoutes routes) {
        this.routes = routes;
        this.views = new TaskViews(routes);
        this.sink = sink;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
    }

    void handBack(DecisionEngine engine, CallDispatcher.Finished done, long now) {
        CollectorTask task = done.call().task();
        String endpointId = done.call().endpointId();
        CallResult call = done.result();
        TaskView view = views.of(task);
        ErrorRules errors = routes.errorsOf(view.exchange());
        String errorCode = call.hasResponse() ? errors.errorCode(call.httpStatus(), call.body()) : null;
        boolean success = call.hasResponse() && errorCode == null;
        Long retryAfter = call.retryAfterMillis() < 0 ? null : call.retryAfterMillis();
        Integer status = call.hasResponse() ? call.httpStatus() : null;
        long ban = status == null ? 0 : errors.banMillis(status);
        if (ban > 0) {
            // The exchange's own ban answer (Bybit's 403): the engine bans the route as it does on a 418
            status = 418;
            retryAfter = retryAfter != null ? retryAfter : ban;
        }
        // the executor's time of the answer, after the call reached the exchange; its clock is the wall clock too
        engine.countAnswered(view, done.call().countedAt(), call.startedAt() + Math.max(0, call.latencyMillis()), now);
        AfterCall after = engine.record(new CallReport(task.getTaskId(), view.exchange(), view.domain(),
                TaskViews.endpointName(endpointId), view.attempt(), view.deadline(), success, status,
                call.exceptionClass(), errorCode, Math.max(0, call.latencyMillis()), retryAfter,
                call.usedWeight() < 0 ? null : call.usedWeight()), now);

        ErrorClass errorClass = after instanceof AfterCall.RetryAt retry ? ErrorClass.valueOf(retry.errorClass().name())
                : after instanceof AfterCall.GiveUp giveUp ? ErrorClass.valueOf(giveUp.errorClass().name()) : null;
        Long delay = after instanceof AfterCall.RetryAt retry ? retry.delayMillis() : null;
        metrics.onCallFinished(endpointId, success ? null : errorClass != null ? errorClass : ErrorClass.UNKNOWN,
                call.latencyMillis());
        // All-args constructors, not builders: a builder validates every field against the schema and a result is
        // built per call. Every required field is set here, and the encoder rejects a null one anyway.
        Attempt attempt = new Attempt(view.attempt(), endpointId, Instant.ofEpochMilli(call.startedAt()),
                call.latencyMillis(), success ? AttemptOutcome.SUCCESS
                        : errorClass == ErrorClass.TIMEOUT ? AttemptOutcome.TIMEOUT : AttemptOutcome.FAILURE,
                errorClass, call.hasResponse() ? call.httpStatus() : null,
                success ? null : failureMessage(call, errorCode), delay);
        List<Attempt> history = new ArrayList<>(task.getAttempts().size() + 1);
        history.addAll(task.getAttempts());
        history.add(attempt);
        task.setAttempts(history);
        task.setAttempt(view.attempt());

        if (after instanceof AfterCall.Completed && call.bodyTooLarge()) {
            sink.deadLetter(task, DeadLetterReason.RESULT_TOO_LARGE, "the response body has " + call.oversizedBytes()
                    + "+ bytes, more than execution.max.body.bytes = " + maxBodyBytes, null, now);
        } else if (after instanceof AfterCall.Completed) {
            sink.succeeded(task, new TaskResult(task.getTaskId(), task.getExchange(), task.getMarket(),
                    task.getDataType(), task.getSymbol(), task.getPriority(), endpointId, call.httpStatus(),
                    call.body(), task.getCreatedAt(), Instant.ofEpochMilli(now), history), now);
        } else if (after instanceof AfterCall.RetryAt retry) {
            task.setNotBefore(Instant.ofEpochMilli(retry.dueAt()));
            sink.retryLater(task, now);
        } else {
            AfterCall.GiveUp giveUp = (AfterCall.GiveUp) after;
            sink.deadLetter(task, DeadLetterReason.valueOf(giveUp.reason().name()), giveUp.detail(),
                    attempt.getMessage(), now);
        }
    }

    private static String failureMessage(CallResult call, String errorCode) {
        if (!call.hasResponse()) {
            return call.exceptionClass() + ": " + call.message();
        }
        String body = call.bodyTooLarge() ? "(body of " + call.oversizedBytes() + "+ bytes not read)"
                : call.body().length() > MESSAGE_BODY_CHARS ? call.body().substring(0, MESSAGE_BODY_CHARS) + "..."
                : call.body();
        return "HTTP " + call.httpStatus() + (errorCode == null ? "" : " code " + errorCode) + ": " + body;
    }
}
