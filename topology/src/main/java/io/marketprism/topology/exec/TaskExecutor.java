package io.marketprism.topology.exec;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.config.Endpoint;
import java.util.concurrent.CompletionStage;

/**
 * Performs a task's call against one endpoint, asynchronously. Implementations never block the calling (stream)
 * thread and always complete the returned stage, with a {@link CallResult} describing a failure rather than
 * completing exceptionally.
 */
public interface TaskExecutor extends AutoCloseable {

    CompletionStage<CallResult> execute(CollectorTask task, Endpoint endpoint);

    @Override
    default void close() {
    }
}
