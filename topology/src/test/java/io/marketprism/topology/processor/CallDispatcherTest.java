package io.marketprism.topology.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.exec.CallResult;
import io.marketprism.topology.exec.TaskExecutor;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CallDispatcherTest {

    private final List<CompletableFuture<CallResult>> pending = new ArrayList<>();
    private final TaskExecutor holding = (task, endpoint) -> {
        CompletableFuture<CallResult> answer = new CompletableFuture<>();
        pending.add(answer);
        return answer;
    };

    @Test
    void shouldCountRunningCallsPerEndpointAndPerDomainApart() {
        // Given two domains of one host set sharing its endpoint (OKX books and trades)
        Endpoint www = new Endpoint("okx", "www", URI.create("http://127.0.0.1:1"));
        CallDispatcher dispatcher = new CallDispatcher(holding, Map.of(www.id(), www),
                task -> "okx." + task.getSymbol() + ".direct");

        dispatcher.start(www.id(), task("b1", "books"), 0);
        dispatcher.start(www.id(), task("b2", "books"), 0);
        dispatcher.start(www.id(), task("t1", "trades"), 0);
        pending.get(0).complete(CallResult.response(0, 1, 200, "{}", -1, -1));
        dispatcher.takeFinished();

        // Then each domain counts its own calls, the endpoint all of them
        assertThat(dispatcher.running(www.id())).isEqualTo(2);
        assertThat(dispatcher.runningIn("okx.books.direct")).isEqualTo(1);
        assertThat(dispatcher.runningIn("okx.trades.direct")).isEqualTo(1);
    }

    private static CollectorTask task(String id, String group) {
        return CollectorTask.newBuilder().setTaskId(id).setExchange("okx").setDataType(DataType.TRADES)
                .setSymbol(group).setCreatedAt(Instant.EPOCH).build();
    }
}
