package io.marketprism.schemas.codec;

import io.marketprism.schemas.CollectorTask;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * Measures, single-threaded, how many typical tasks per second the codecs get through; run it by hand with the test
 * classpath: {@code java -cp ... io.marketprism.schemas.codec.CodecThroughput}. Not a test: it asserts nothing.
 */
final class CodecThroughput {

    private static final long WARM_UP_NANOS = 3_000_000_000L;
    private static final long MEASURE_NANOS = 5_000_000_000L;

    /** Keeps the JIT from dropping the measured work as unused. */
    private static volatile int blackhole;

    private CodecThroughput() {
    }

    public static void main(String[] args) {
        AvroCodec<CollectorTask> codec = AvroCodec.tasks();
        TaskReader reader = new TaskReader();
        CollectorTask task = SampleRecords.typicalTask();
        byte[] avro = codec.encode(task);
        byte[] json = TaskJson.write(task).getBytes(StandardCharsets.UTF_8);
        System.out.printf("typical task: %d bytes Avro, %d bytes JSON%n", avro.length, json.length);
        measure("Avro encode + decode", () -> codec.decode(codec.encode(task)).getAttempt());
        measure("Avro encode", () -> codec.encode(task).length);
        measure("Avro decode", () -> codec.decode(avro).getAttempt());
        measure("TaskReader, Avro value", () -> reader.read(avro, "tasks", 0, 1, 1L).hashCode());
        measure("TaskReader, JSON value", () -> reader.read(json, "tasks", 0, 1, 1L).hashCode());
        measure("TaskJson.write", () -> TaskJson.write(task).length());
    }

    private static void measure(String name, IntSupplier operation) {
        run(operation, WARM_UP_NANOS);
        long start = System.nanoTime();
        long operations = run(operation, MEASURE_NANOS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%-24s %,12.0f ops/s  %,8.0f ns/op%n", name, operations / seconds,
                seconds * 1e9 / operations);
    }

    private static long run(IntSupplier operation, long nanos) {
        long deadline = System.nanoTime() + nanos;
        long operations = 0;
        int sink = 0;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 1_000; i++) {
                sink += operation.getAsInt();
            }
            operations += 1_000;
        }
        blackhole = sink;
        return operations;
    }
}
