package io.marketprism.topology.exec;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.config.Endpoint;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Performs a task's call, or a health check, against one endpoint, asynchronously. Implementations never block the
 * calling (stream) thread and always complete the returned stage, with a {@link CallResult} describing a failure
 * rather than completing exceptionally.
 */
public interface TaskExecutor extends AutoCloseable {

    CompletionStage<CallResult> execute(CollectorTask task, Endpoint endpoint);

    /**
     * Sends the host set's cheap health check (its definition's {@code health} path) to {@code endpoint} on egress
     * {@code route} (null: the first route), with the same timeout as a task's call; {@link CallResult#showsHealthy()}
     * judges the result. The default, for executors that cannot probe, answers healthy at once, so an ejected endpoint
     * returns to rotation as soon as its probe is due.
     */
    default CompletionStage<CallResult> probe(Endpoint endpoint, String route) {
        return CompletableFuture.completedFuture(CallResult.response(0, 0, 200, "", -1, -1));
    }

    @Override
    default void close() {
    }
}
