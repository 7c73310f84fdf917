package io.marketprism.topology;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.exec.CallResult;
import io.marketprism.topology.exec.TaskExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A task executor for topology tests: records every call, and either answers at once through a responder or keeps
 * the call pending until the test completes it. Health checks are recorded too and answered at once by a probe
 * responder, healthy unless the test sets one.
 */
final class FakeExecutor implements TaskExecutor {

    record Call(CollectorTask task, Endpoint endpoint, CompletableFuture<CallResult> future) {
    }

    private final List<Call> calls = new ArrayList<>();
    private final List<String> history = new ArrayList<>();
    private final List<String> probedEndpoints = new ArrayList<>();
    private BiFunction<CollectorTask, Endpoint, CallResult> responder;
    private Function<Endpoint, CallResult> probeResponder = endpoint -> ok("{}");

    /** Answer every call at once with the responder's result. */
    FakeExecutor answering(BiFunction<CollectorTask, Endpoint, CallResult> responder) {
        this.responder = responder;
        return this;
    }

    /** Answer every health check at once with the responder's result. */
    FakeExecutor probing(Function<Endpoint, CallResult> probeResponder) {
        this.probeResponder = probeResponder;
        return this;
    }

    /** Keep calls pending until {@link Call#future()} is completed by the test. */
    FakeExecutor holding() {
        this.responder = null;
        return this;
    }

    static CallResult ok(String body) {
        return CallResult.response(0, 3, 200, body, -1, -1);
    }

    static CallResult status(int status, String body) {
        return CallResult.response(0, 3, status, body, -1, -1);
    }

    static CallResult retryAfter(int status, long retryAfterMillis) {
        return CallResult.response(0, 3, status, "{\"code\":-1003,\"msg\":\"Way too many requests\"}",
                retryAfterMillis, -1);
    }

    /** Endpoint names of the calls made so far, in order. */
    List<String> endpointsCalled() {
        return calls.stream().map(c -> c.endpoint().name()).toList();
    }

    /** Endpoint names of the health checks made so far, in order. */
    List<String> probedEndpoints() {
        return probedEndpoints;
    }

    /** Calls and health checks in the order they were made, as {@code call:<endpoint>} and {@code probe:<endpoint>}. */
    List<String> history() {
        return history;
    }

    /** Task ids of the calls made so far, in order. */
    List<String> tasksCalled() {
        return calls.stream().map(c -> c.task().getTaskId()).toList();
    }

    @Override
    public CompletionStage<CallResult> execute(CollectorTask task, Endpoint endpoint) {
        CompletableFuture<CallResult> future = new CompletableFuture<>();
        calls.add(new Call(CollectorTask.newBuilder(task).build(), endpoint, future));
        history.add("call:" + endpoint.name());
        if (responder != null) {
            future.complete(responder.apply(task, endpoint));
        }
        return future;
    }

    @Override
    public CompletionStage<CallResult> probe(Endpoint endpoint, String route) {
        probedEndpoints.add(endpoint.name());
        history.add("probe:" + endpoint.name());
        return CompletableFuture.completedFuture(probeResponder.apply(endpoint));
    }

    List<Call> calls() {
        return calls;
    }
}
