package io.marketprism.ops.tools;

import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.AttemptOutcome;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.ErrorClass;
import io.marketprism.schemas.Priority;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/** Dead letters for tests: one that gave up a task after two failed attempts, one holding only raw bytes. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** A task that failed twice on the given exchange and was dead-lettered with RETRIES_EXHAUSTED. */
    public static DeadLetter exhausted(String taskId, String exchange, Instant at) {
        Instant started = at.minusSeconds(10);
        List<Attempt> attempts = List.of(
                attempt(1, exchange + "/api", started, 503),
                attempt(2, exchange + "/api1", started.plusSeconds(2), 503));
        CollectorTask task = CollectorTask.newBuilder()
                .setTaskId(taskId).setExchange(exchange).setDataType(DataType.TICKER).setSymbol("BTCUSDT")
                .setPriority(Priority.HIGH).setCreatedAt(started).setAttempt(2).setAttempts(attempts)
                .setNotBefore(started.plusSeconds(5))
                .build();
        return DeadLetter.newBuilder()
                .setTaskId(taskId).setTask(task).setReason(DeadLetterReason.RETRIES_EXHAUSTED)
                .setDetail("2 attempts failed").setLastError("HTTP 503 from " + exchange + "/api1")
                .setSourceTopic("collector.tasks").setSourcePartition(1).setSourceOffset(41)
                .setDeadLetteredAt(at)
                .build();
    }

    /** A record that was not a task at all, dead-lettered as MALFORMED with its bytes. */
    public static DeadLetter malformed(String taskId, byte[] raw, Instant at) {
        return DeadLetter.newBuilder()
                .setTaskId(taskId).setRawValue(ByteBuffer.wrap(raw)).setReason(DeadLetterReason.MALFORMED)
                .setDetail("neither Avro nor JSON").setSourceTopic("collector.tasks").setSourcePartition(0)
                .setSourceOffset(7).setDeadLetteredAt(at)
                .build();
    }

    private static Attempt attempt(int number, String endpoint, Instant startedAt, int status) {
        return Attempt.newBuilder()
                .setNumber(number).setEndpoint(endpoint).setStartedAt(startedAt).setLatencyMs(120)
                .setOutcome(AttemptOutcome.FAILURE).setErrorClass(ErrorClass.SERVER).setHttpStatus(status)
                .setMessage("Service Unavailable").setDelayBeforeNextMs(1000L)
                .build();
    }
}
