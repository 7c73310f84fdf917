package io.marketprism.ops.bench;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.exec.CallResult;
import io.marketprism.topology.exec.TaskExecutor;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link TaskExecutor} without I/O: every call succeeds at once, on the calling thread, with HTTP 200, zero latency
 * and a small canned body in the exchange's own success shape (OKX's starts with {@code {"code":"0"}, so the
 * service recognises it as a success without parsing it).
 */
final class InstantSuccessExecutor implements TaskExecutor {

    private static final Map<String, String> BODIES = Map.of(
            "binance", "{\"lastUpdateId\":1,\"bids\":[[\"100.0\",\"1.0\"]],\"asks\":[[\"100.1\",\"1.0\"]]}",
            "okx", "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"last\":\"100.0\"}]}",
            "deribit", "{\"jsonrpc\":\"2.0\",\"result\":{\"last_price\":100.0}}",
            "bybit", "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"list\":[]}}");
    private static final String OTHER_BODY = "{}";

    private final Clock clock;

    InstantSuccessExecutor(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletionStage<CallResult> execute(CollectorTask task, Endpoint endpoint) {
        String body = BODIES.getOrDefault(task.getExchange(), OTHER_BODY);
        return CompletableFuture.completedFuture(CallResult.response(clock.millis(), 0, 200, body, -1, -1));
    }
}
