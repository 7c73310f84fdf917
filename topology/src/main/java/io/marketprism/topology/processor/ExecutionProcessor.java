package io.marketprism.topology.processor;

import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.AttemptOutcome;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.ErrorClass;
import io.marketprism.schemas.TaskResult;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.exec.CallResult;
import io.marketprism.topology.exec.ExchangeApi;
import io.marketprism.topology.exec.TaskExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Executes admitted tasks without blocking the stream thread, and turns each call's result into an outcome.
 *
 * <p>A task enters the in-flight ledger (a changelogged store) in the same transaction that consumes it; the call
 * starts afterwards, on the executor's threads. Finished calls are queued in memory and handed back to the stream
 * thread by a wall-clock punctuator, which forwards the outcome and deletes the ledger entry in one transaction.
 * After a crash the ledger is restored and every entry this instance has not started is dispatched again: the call
 * may repeat, the output appears once.
 */
public final class ExecutionProcessor implements Processor<String, CollectorTask, String, Outcome> {

    /** Name of the in-flight ledger store: task id → task. */
    public static final String LEDGER_STORE = "in-flight-ledger";

    private record Completion(String taskId, Endpoint endpoint, CallResult result) {
    }

    private final TaskExecutor executor;
    private final Map<String, List<Endpoint>> endpointsByExchange;
    private final int maxInFlightPerEndpoint;
    private final Duration tick;

    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
    /** Ledger entries waiting for a free endpoint slot, in arrival order. */
    private final LinkedHashSet<String> waiting = new LinkedHashSet<>();
    /** Ledger entries whose call this instance started and that have not been handed back yet. */
    private final Set<String> started = new java.util.HashSet<>();
    private final Map<String, Integer> inFlightByEndpoint = new HashMap<>();
    private final Map<String, Integer> roundRobin = new HashMap<>();

    private ProcessorContext<String, Outcome> context;
    private KeyValueStore<String, CollectorTask> ledger;
    private volatile boolean closed;

    public ExecutionProcessor(TaskExecutor executor, Map<String, List<Endpoint>> endpointsByExchange,
                              int maxInFlightPerEndpoint, Duration tick) {
        this.executor = executor;
        this.endpointsByExchange = endpointsByExchange;
        this.maxInFlightPerEndpoint = maxInFlightPerEndpoint;
        this.tick = tick;
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        this.ledger = context.getStateStore(LEDGER_STORE);
        // The store is restored before init: whatever is in it was admitted but never finished.
        try (KeyValueIterator<String, CollectorTask> it = ledger.all()) {
            it.forEachRemaining(kv -> waiting.add(kv.key));
        }
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::onTick);
    }

    @Override
    public void process(Record<String, CollectorTask> record) {
        CollectorTask task = record.value();
        ledger.put(task.getTaskId(), task);
        waiting.add(task.getTaskId());
        onTick(context.currentSystemTimeMs());
    }

    private void onTick(long now) {
        handCompletionsBack(now);
        dispatchWaiting();
    }

    private void dispatchWaiting() {
        Iterator<String> it = waiting.iterator();
        while (it.hasNext()) {
            String taskId = it.next();
            CollectorTask task = ledger.get(taskId);
            if (task == null) {
                it.remove();
                continue;
            }
            Endpoint endpoint = pickEndpoint(task.getExchange());
            if (endpoint == null) {
                continue;
            }
            it.remove();
            started.add(taskId);
            inFlightByEndpoint.merge(endpoint.id(), 1, Integer::sum);
            executor.execute(task, endpoint).whenComplete((result, error) -> {
                if (!closed) {
                    completions.add(new Completion(taskId, endpoint,
                            error != null ? CallResult.failure(System.currentTimeMillis(), 0, error) : result));
                }
            });
        }
    }

    /** Round robin over the exchange's endpoints that have a free in-flight slot; null when all are full. */
    private Endpoint pickEndpoint(String exchange) {
        List<Endpoint> endpoints = endpointsByExchange.get(exchange);
        int start = roundRobin.getOrDefault(exchange, 0);
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint candidate = endpoints.get((start + i) % endpoints.size());
            if (inFlightByEndpoint.getOrDefault(candidate.id(), 0) < maxInFlightPerEndpoint) {
                roundRobin.put(exchange, (start + i + 1) % endpoints.size());
                return candidate;
            }
        }
        return null;
    }

    private void handCompletionsBack(long now) {
        List<KeyValue<String, Outcome>> outcomes = new ArrayList<>();
        Completion done;
        while ((done = completions.poll()) != null) {
            started.remove(done.taskId());
            inFlightByEndpoint.merge(done.endpoint().id(), -1, Integer::sum);
            CollectorTask task = ledger.get(done.taskId());
            if (task == null) {
                continue;
            }
            ledger.delete(done.taskId());
            context.forward(Routing.toRecord(outcomeOf(task, done, now), now));
        }
    }

    private Outcome outcomeOf(CollectorTask task, Completion done, long now) {
        CallResult call = done.result();
        String errorCode = call.hasResponse()
                ? ExchangeApi.errorCode(task.getExchange(), call.httpStatus(), call.body()) : null;
        boolean success = call.hasResponse() && errorCode == null;
        ErrorClass errorClass = success ? null : classify(call);
        Attempt attempt = Attempt.newBuilder()
                .setNumber(task.getAttempt() + 1)
                .setEndpoint(done.endpoint().id())
                .setStartedAt(Instant.ofEpochMilli(call.startedAt()))
                .setLatencyMs(call.latencyMillis())
                .setOutcome(success ? AttemptOutcome.SUCCESS
                        : errorClass == ErrorClass.TIMEOUT ? AttemptOutcome.TIMEOUT : AttemptOutcome.FAILURE)
                .setErrorClass(errorClass)
                .setHttpStatus(call.hasResponse() ? call.httpStatus() : null)
                .setMessage(success ? null : failureMessage(call, errorCode))
                .setDelayBeforeNextMs(null)
                .build();
        List<Attempt> history = new ArrayList<>(task.getAttempts());
        history.add(attempt);
        task.setAttempts(history);
        task.setAttempt(attempt.getNumber());
        if (success) {
            return new Outcome.Succeeded(TaskResult.newBuilder()
                    .setTaskId(task.getTaskId())
                    .setExchange(task.getExchange())
                    .setMarket(task.getMarket())
                    .setDataType(task.getDataType())
                    .setSymbol(task.getSymbol())
                    .setPriority(task.getPriority())
                    .setEndpoint(done.endpoint().id())
                    .setHttpStatus(call.httpStatus())
                    .setBody(call.body())
                    .setCreatedAt(task.getCreatedAt())
                    .setCompletedAt(Instant.ofEpochMilli(now))
                    .setAttempts(history)
                    .build());
        }
        DeadLetterReason reason = errorClass == ErrorClass.NON_RETRYABLE
                ? DeadLetterReason.NON_RETRYABLE : DeadLetterReason.RETRIES_EXHAUSTED;
        return new Outcome.DeadLettered(DeadLetters.forTask(task, reason,
                "call to " + done.endpoint().id() + " failed: " + attempt.getMessage(), attempt.getMessage(), now));
    }

    private static ErrorClass classify(CallResult call) {
        if (!call.hasResponse()) {
            return call.exceptionClass().contains("Timeout") ? ErrorClass.TIMEOUT : ErrorClass.NETWORK;
        }
        int status = call.httpStatus();
        if (status == 429 || status == 418) {
            return ErrorClass.RATE_LIMITED;
        }
        if (status >= 500) {
            return ErrorClass.SERVER;
        }
        return ErrorClass.NON_RETRYABLE;
    }

    private static String failureMessage(CallResult call, String errorCode) {
        if (!call.hasResponse()) {
            return call.exceptionClass() + ": " + call.message();
        }
        String body = call.body().length() > 200 ? call.body().substring(0, 200) + "..." : call.body();
        return "HTTP " + call.httpStatus() + (errorCode == null ? "" : " code " + errorCode) + ": " + body;
    }

    @Override
    public void close() {
        closed = true;
    }
}
