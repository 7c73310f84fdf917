package io.marketprism.schemas.codec;

import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.AttemptOutcome;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.ErrorClass;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.RecordOrigin;
import io.marketprism.schemas.TaskResult;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Records used across the codec tests. */
final class SampleRecords {

    static final Instant CREATED = Instant.parse("2026-01-15T10:00:00.123Z");

    private SampleRecords() {
    }

    /** A fresh order-book task as a producer would send it. */
    static CollectorTask typicalTask() {
        return CollectorTask.newBuilder()
                .setTaskId("t-1")
                .setExchange("binance")
                .setDataType(DataType.ORDER_BOOK)
                .setSymbol("BTCUSDT")
                .setParams(Map.of("limit", "100"))
                .setPriority(Priority.HIGH)
                .setCreatedAt(CREATED)
                .build();
    }

    /** A task with every field set, as it looks on the retry topic after two failed calls. */
    static CollectorTask retriedTask() {
        return CollectorTask.newBuilder(typicalTask())
                .setMarket("perp")
                .setWeight(5)
                .setDeadline(CREATED.plusSeconds(60))
                .setAttempt(2)
                .setAttempts(List.of(failedAttempt(1), failedAttempt(2)))
                .setNotBefore(CREATED.plusMillis(1_500))
                .setOrigin(new RecordOrigin("tasks", 3, 42L))
                .build();
    }

    static Attempt failedAttempt(int number) {
        return Attempt.newBuilder()
                .setNumber(number)
                .setEndpoint("binance/api" + number)
                .setStartedAt(CREATED.plusMillis(100L * number))
                .setLatencyMs(250)
                .setOutcome(AttemptOutcome.FAILURE)
                .setErrorClass(ErrorClass.SERVER)
                .setHttpStatus(503)
                .setMessage("Service Unavailable")
                .setDelayBeforeNextMs(400L)
                .build();
    }

    static TaskResult result() {
        CollectorTask task = typicalTask();
        return TaskResult.newBuilder()
                .setTaskId(task.getTaskId())
                .setExchange(task.getExchange())
                .setMarket(task.getMarket())
                .setDataType(task.getDataType())
                .setSymbol(task.getSymbol())
                .setPriority(task.getPriority())
                .setEndpoint("binance/api2")
                .setHttpStatus(200)
                .setBody("{\"lastUpdateId\":1,\"bids\":[[\"60000.1\",\"0.5\"]],\"asks\":[]}")
                .setCreatedAt(CREATED)
                .setCompletedAt(CREATED.plusMillis(900))
                .setAttempts(List.of(failedAttempt(1)))
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setTaskId("t-1")
                .setTask(retriedTask())
                .setRawValue(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setReason(DeadLetterReason.RETRIES_EXHAUSTED)
                .setDetail("3 attempts failed")
                .setLastError("java.io.IOException: connection reset")
                .setSourceTopic("tasks")
                .setSourcePartition(3)
                .setSourceOffset(42)
                .setDeadLetteredAt(CREATED.plusSeconds(5))
                .build();
    }
}
