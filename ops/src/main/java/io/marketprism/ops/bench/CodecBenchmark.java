package io.marketprism.ops.bench;

import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.AttemptOutcome;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.schemas.codec.TaskJson;
import io.marketprism.schemas.codec.TaskReadResult;
import io.marketprism.schemas.codec.TaskReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of the task codecs on the stream thread, one record per operation:
 * <ul>
 *   <li>{@code readJsonTask}: {@link TaskReader#read} of a typical JSON task as producers send it (every field of the
 *       shape, {@code createdAt} and {@code deadline} as ISO-8601 instants with millis, one param), validation
 *       included;</li>
 *   <li>{@code readAvroTask}: {@link TaskReader#read} of the same task in Avro single-object encoding;</li>
 *   <li>{@code encodeTask}: {@link AvroCodec#encode} of that task, as the service writes a task to the retry topic
 *       (with one failed attempt in its history);</li>
 *   <li>{@code encodeResult}: {@link AvroCodec#encode} of a {@link TaskResult} with a small order-book body and one
 *       attempt, as the service writes every successful task.</li>
 * </ul>
 *
 * <p>Run: {@code java -cp ops.jar:deps org.openjdk.jmh.Main CodecBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    private static final Instant CREATED = Instant.parse("2026-11-26T01:02:03.456Z");

    private final TaskReader reader = new TaskReader();
    private final AvroCodec<CollectorTask> tasks = AvroCodec.tasks();
    private final AvroCodec<TaskResult> results = AvroCodec.results();
    private byte[] jsonTask;
    private byte[] avroTask;
    private CollectorTask retriedTask;
    private TaskResult result;

    @Setup
    public void setUp() {
        CollectorTask task = CollectorTask.newBuilder()
                .setTaskId("produce-run-1234567")
                .setExchange("binance")
                .setDataType(DataType.ORDER_BOOK)
                .setSymbol("BTCUSDT")
                .setParams(Map.of("limit", "100"))
                .setPriority(Priority.HIGH)
                .setCreatedAt(CREATED)
                .setDeadline(CREATED.plusSeconds(30))
                .build();
        jsonTask = TaskJson.write(task).getBytes(StandardCharsets.UTF_8);
        avroTask = tasks.encode(task);
        requireAccepted(reader.read(jsonTask, "tasks", 0, 1L, 1L), "JSON");
        requireAccepted(reader.read(avroTask, "tasks", 0, 1L, 1L), "Avro");
        Attempt failed = Attempt.newBuilder()
                .setNumber(1)
                .setEndpoint("binance/api1")
                .setStartedAt(CREATED.plusMillis(5))
                .setLatencyMs(120)
                .setOutcome(AttemptOutcome.FAILURE)
                .setHttpStatus(503)
                .setMessage("Service Unavailable")
                .setDelayBeforeNextMs(400L)
                .build();
        retriedTask = CollectorTask.newBuilder(task)
                .setAttempt(1)
                .setAttempts(List.of(failed))
                .setNotBefore(CREATED.plusMillis(525))
                .build();
        result = TaskResult.newBuilder()
                .setTaskId(task.getTaskId())
                .setExchange(task.getExchange())
                .setMarket(task.getMarket())
                .setDataType(task.getDataType())
                .setSymbol(task.getSymbol())
                .setPriority(task.getPriority())
                .setEndpoint("binance/api2")
                .setHttpStatus(200)
                .setBody("{\"lastUpdateId\":1,\"bids\":[[\"100.0\",\"1.0\"]],\"asks\":[[\"100.1\",\"1.0\"]]}")
                .setCreatedAt(CREATED)
                .setCompletedAt(CREATED.plusMillis(9))
                .setAttempts(List.of(Attempt.newBuilder(failed).setOutcome(AttemptOutcome.SUCCESS)
                        .setHttpStatus(200).setMessage(null).setDelayBeforeNextMs(null).build()))
                .build();
    }

    @Benchmark
    public TaskReadResult readJsonTask() {
        return reader.read(jsonTask, "tasks", 0, 1L, 1L);
    }

    @Benchmark
    public TaskReadResult readAvroTask() {
        return reader.read(avroTask, "tasks", 0, 1L, 1L);
    }

    @Benchmark
    public byte[] encodeTask() {
        return tasks.encode(retriedTask);
    }

    @Benchmark
    public byte[] encodeResult() {
        return results.encode(result);
    }

    private static void requireAccepted(TaskReadResult read, String format) {
        if (!(read instanceof TaskReadResult.Accepted)) {
            throw new IllegalStateException("the benchmark's " + format + " task is not accepted: " + read);
        }
    }
}
