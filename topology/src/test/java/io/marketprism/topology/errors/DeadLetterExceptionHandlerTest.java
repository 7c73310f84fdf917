package io.marketprism.topology.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.schemas.codec.RecordCodec;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.metrics.MetricNames;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import io.marketprism.topology.processor.OutputHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLetterExceptionHandlerTest {

    private static final byte[] RAW = "{\"exchange\":\"binance\"}".getBytes(StandardCharsets.UTF_8);

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() { return "collector.tasks"; }
            public int partition() { return 2; }
            public long offset() { return 41; }
            public Headers headers() { return new RecordHeaders(); }
            public String processorNodeId() { return "execute"; }
            public TaskId taskId() { return new TaskId(1, 2); }
            public long timestamp() { return 1_000; }
            public byte[] sourceRawKey() { return null; }
            public byte[] sourceRawValue() { return RAW; }
        };
    }

    private static DeadLetterExceptionHandler handler() {
        DeadLetterExceptionHandler handler = new DeadLetterExceptionHandler();
        handler.configure(Map.of(DeadLetterExceptionHandler.DLQ_TOPIC_CONFIG, "dlq"));
        return handler;
    }

    @Test
    void shouldCountTheDeadLettersItWritesWhenGivenTheMetrics() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ServiceConfig config = ServiceConfig.builder().exchanges(java.util.List.of("binance"))
                .exchange("binance-spot", "api=http://127.0.0.1:1/binance/api").build();
        DeadLetterExceptionHandler handler = new DeadLetterExceptionHandler();
        handler.configure(Map.of(DeadLetterExceptionHandler.DLQ_TOPIC_CONFIG, "dlq",
                DeadLetterExceptionHandler.METRICS_CONFIG, new ReliabilityMetrics(registry, config)));
        Headers headers = OutputHeaders.of("t-1", "binance", null, null);

        handler.handleError(context(), new Record<>("k", RAW, 1_000, headers), new IllegalStateException("boom"));

        assertThat(registry.get(MetricNames.DEAD_LETTERS).tags("exchange", "binance", "reason", "PROCESSING_ERROR")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void shouldResumeWithoutADeadLetterWhenAPunctuationFailsWithNoRecord() {
        // Given the null record Kafka Streams passes for an exception in a punctuation
        ProcessingExceptionHandler.Response response = handler().handleError(context(), (Record<?, ?>) null,
                new IllegalStateException("tick failed"));

        // Then the thread resumes: nothing is dead-lettered and nothing throws
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void shouldDeadLetterAProductionFailureWithTheSourceRecordAndResume() {
        ProducerRecord<byte[], byte[]> failed = new ProducerRecord<>("collector.results", null, new byte[1], new byte[1],
                OutputHeaders.of("t-9", "okx", OutputHeaders.OUTCOME_SUCCESS, null));

        ProductionExceptionHandler.Response response = handler().handleError(context(), failed,
                new RecordTooLargeException("too big"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("dlq");
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("t-9");
            DeadLetter letter = AvroCodec.deadLetters().decode(record.value());
            assertThat(letter.getReason()).isEqualTo(DeadLetterReason.PROCESSING_ERROR);
            assertThat(letter.getDetail()).contains("collector.results");
            assertThat(letter.getLastError()).contains("RecordTooLargeException");
            assertThat(letter.getRawValue().array()).isEqualTo(RAW);
            assertThat(letter.getSourcePartition()).isEqualTo(2);
            assertThat(letter.getSourceOffset()).isEqualTo(41);
            assertThat(OutputHeaders.get(record.headers(), OutputHeaders.REASON)).isEqualTo("PROCESSING_ERROR");
        });
    }

    @Test
    void shouldRetryRetriableProductionFailuresInsteadOfDeadLettering() {
        ProductionExceptionHandler.Response response = handler().handleError(context(),
                new ProducerRecord<>("collector.results", new byte[1]), new TimeoutException("slow broker"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RETRY);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void shouldDeadLetterAProcessingFailureDerivingTheTaskIdFromCoordinates() {
        ProcessingExceptionHandler.Response response = handler().handleError(context(),
                new Record<>("k", "v", 1_000), new IllegalStateException("boom"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        DeadLetter letter = AvroCodec.deadLetters().decode(response.deadLetterQueueRecords().get(0).value());
        assertThat(letter.getTaskId()).isEqualTo("collector.tasks-2-41");
        assertThat(letter.getDetail()).contains("execute");
    }

    @Test
    void shouldWriteTheDeadLetterAsJsonWhenThatIsTheOutputFormat() {
        DeadLetterExceptionHandler handler = new DeadLetterExceptionHandler();
        handler.configure(Map.of(DeadLetterExceptionHandler.DLQ_TOPIC_CONFIG, "dlq",
                DeadLetterExceptionHandler.OUTPUT_FORMAT_CONFIG, "JSON"));

        ProcessingExceptionHandler.Response response = handler.handleError(context(),
                new Record<>("k", "v", 1_000), new IllegalStateException("boom"));

        byte[] value = response.deadLetterQueueRecords().get(0).value();
        assertThat(new String(value, StandardCharsets.UTF_8)).startsWith("{\"taskId\":\"collector.tasks-2-41\"");
        assertThat(RecordCodec.deadLetters().decode(value).getReason()).isEqualTo(DeadLetterReason.PROCESSING_ERROR);
    }

    @Test
    void shouldRefuseToStartWithoutADeadLetterTopic() {
        assertThatThrownBy(() -> new DeadLetterExceptionHandler().configure(Map.of()))
                .hasMessageContaining(DeadLetterExceptionHandler.DLQ_TOPIC_CONFIG);
    }
}
