package io.marketprism.topology.errors;

import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.codec.OutputFormat;
import io.marketprism.schemas.codec.RecordCodec;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import io.marketprism.topology.processor.OutputHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last line of defence: a record that fails to deserialize, to process or to be produced becomes a {@link DeadLetter}
 * (reason PROCESSING_ERROR, the input's raw bytes and coordinates) written in the same transaction, and the stream
 * thread carries on. Retriable production errors are retried instead. Our processors handle bad input themselves;
 * this catches what they did not foresee. Given {@link ReliabilityMetrics} in {@link #METRICS_CONFIG}, it counts its
 * dead letters in {@code marketprism_dead_letters_total} like every other.
 */
public final class DeadLetterExceptionHandler
        implements ProcessingExceptionHandler, ProductionExceptionHandler, DeserializationExceptionHandler {

    /** Streams property naming the dead-letter topic this handler writes to. */
    public static final String DLQ_TOPIC_CONFIG = "marketprism.dlq.topic";
    /** Streams property holding the {@link ReliabilityMetrics} instance that counts this handler's dead letters. */
    public static final String METRICS_CONFIG = "marketprism.metrics";

    /** Streams property naming the {@link OutputFormat} of the dead letters (avro when absent). */
    public static final String OUTPUT_FORMAT_CONFIG = "marketprism.output.format";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

    private String deadLetterTopic;
    private OutputFormat format = OutputFormat.AVRO;
    /** Null when no metrics were configured (tools, tests). */
    private ReliabilityMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(DLQ_TOPIC_CONFIG);
        if (topic == null) {
            throw new IllegalArgumentException("'" + DLQ_TOPIC_CONFIG + "' must name the dead-letter topic");
        }
        this.deadLetterTopic = topic.toString();
        Object format = configs.get(OUTPUT_FORMAT_CONFIG);
        if (format != null) {
            this.format = OutputFormat.parse(format.toString());
        }
        this.metrics = configs.get(METRICS_CONFIG) instanceof ReliabilityMetrics given ? given : null;
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                          Exception exception) {
        if (record == null) {
            // Kafka Streams passes a null record for an exception in a punctuation: there is no input record to
            // dead-letter (the reliability step dead-letters each task it fails on itself), so log and go on.
            LOG.error("a punctuation of {} in task {} failed; resuming", context.processorNodeId(), context.taskId(),
                    exception);
            return ProcessingExceptionHandler.Response.resume(List.of());
        }
        return ProcessingExceptionHandler.Response.resume(deadLetter(context, record.headers(),
                "processing failed in " + context.processorNodeId(), exception));
    }

    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                          ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            return ProductionExceptionHandler.Response.retry();
        }
        return ProductionExceptionHandler.Response.resume(deadLetter(context, record.headers(),
                "could not produce to " + record.topic(), exception));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context,
            ProducerRecord record, Exception exception, SerializationExceptionOrigin origin) {
        return ProductionExceptionHandler.Response.resume(deadLetter(context, record.headers(),
                "could not serialize the " + origin.name().toLowerCase() + " for " + record.topic(), exception));
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
            ConsumerRecord<byte[], byte[]> record, Exception exception) {
        return DeserializationExceptionHandler.Response.resume(deadLetter(context, record.headers(),
                "could not deserialize a record of " + record.topic(), exception));
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, Headers headers, String detail,
                                                           Exception exception) {
        LOG.warn("dead-lettering record {}-{}@{}: {}", context.topic(), context.partition(), context.offset(), detail,
                exception);
        String taskId = OutputHeaders.get(headers, OutputHeaders.TASK_ID);
        if (taskId == null) {
            taskId = context.topic() + "-" + context.partition() + "-" + context.offset();
        }
        byte[] raw = context.sourceRawValue();
        DeadLetter letter = DeadLetter.newBuilder()
                .setTaskId(taskId)
                .setRawValue(raw == null ? null : ByteBuffer.wrap(raw))
                .setReason(DeadLetterReason.PROCESSING_ERROR)
                .setDetail(detail)
                .setLastError(exception.getClass().getName() + ": " + exception.getMessage())
                .setSourceTopic(context.topic() == null ? "" : context.topic())
                .setSourcePartition(context.partition())
                .setSourceOffset(context.offset())
                .setDeadLetteredAt(Instant.ofEpochMilli(context.timestamp()))
                .build();
        String exchange = OutputHeaders.get(headers, OutputHeaders.EXCHANGE);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(deadLetterTopic, null,
                taskId.getBytes(StandardCharsets.UTF_8), RecordCodec.deadLetters().encode(letter, format),
                OutputHeaders.of(taskId, exchange, OutputHeaders.OUTCOME_DEAD_LETTER,
                        DeadLetterReason.PROCESSING_ERROR.name()));
        if (metrics != null) {
            metrics.onDeadLetter(exchange, DeadLetterReason.PROCESSING_ERROR);
        }
        return List.of(record);
    }
}
