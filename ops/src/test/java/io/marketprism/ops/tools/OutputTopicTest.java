package io.marketprism.ops.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.codec.OutputFormat;
import io.marketprism.schemas.codec.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class OutputTopicTest {

    private static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>("collector.tasks.dlq", 1, 7, null, value);
    }

    @Test
    void shouldDecodeADeadLetterTheSameWayWhetherItWasWrittenAsAvroOrJson() {
        DeadLetter letter = DeadLetters.exhausted("t-1", "okx", AT);

        JsonNode fromAvro = OutputTopic.DLQ.toJson(record(RecordCodec.deadLetters().encode(letter, OutputFormat.AVRO)));
        JsonNode fromJson = OutputTopic.DLQ.toJson(record(RecordCodec.deadLetters().encode(letter, OutputFormat.JSON)));

        assertThat(fromAvro).isEqualTo(fromJson);
        assertThat(fromAvro.get("reason").textValue()).isEqualTo("RETRIES_EXHAUSTED");
        assertThat(fromAvro.at("/task/exchange").textValue()).isEqualTo("okx");
        assertThat(fromAvro.get("deadLetteredAt").textValue()).isEqualTo("2025-06-01T12:00:00Z");
    }

    @Test
    void shouldSayWhyARecordCannotBeDecodedAndRenderItWithItsCoordinatesAndBytes() {
        ConsumerRecord<byte[], byte[]> garbage = record("garbage".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> OutputTopic.RESULTS.toJson(garbage))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neither Avro single-object encoding");
        assertThatThrownBy(() -> OutputTopic.EVENTS.toJson(garbage)).hasMessageStartingWith("invalid JSON: ");
        JsonNode unreadable = OutputTopic.unreadable(garbage, "why");
        assertThat(unreadable.get("offset").longValue()).isEqualTo(7);
        assertThat(unreadable.get("error").textValue()).isEqualTo("why");
        assertThat(unreadable.get("value").textValue()).isEqualTo("Z2FyYmFnZQ==");
    }

    @Test
    void shouldFilterByExchangeDataTypeAndReasonIgnoringCase() {
        JsonNode letter = OutputTopic.DLQ.toJson(record(RecordCodec.deadLetters().encode(
                DeadLetters.exhausted("t-1", "okx", AT), OutputFormat.AVRO)));
        JsonNode event = OutputTopic.EVENTS.toJson(record(
                "{\"kind\":\"BREAKER_OPENED\",\"exchange\":\"binance\"}".getBytes(StandardCharsets.UTF_8)));

        assertThat(TailFilter.of(List.of("OKX"), List.of("ticker"), List.of("retries_exhausted"))
                .matches(OutputTopic.DLQ, letter)).isTrue();
        assertThat(TailFilter.of(List.of(), List.of(), List.of("SHED")).matches(OutputTopic.DLQ, letter)).isFalse();
        assertThat(TailFilter.of(List.of("binance"), List.of(), List.of()).matches(OutputTopic.EVENTS, event)).isTrue();
        assertThat(TailFilter.of(List.of("okx"), List.of(), List.of()).matches(OutputTopic.EVENTS, event)).isFalse();
    }

    @Test
    void shouldRefuseFiltersThatMeanNothingForTheOutput() {
        assertThatThrownBy(() -> TailFilter.of(List.of(), List.of(), List.of("SHED")).checkFor(OutputTopic.RESULTS))
                .hasMessage("--reason filters dead letters; results have no reason");
        assertThatThrownBy(() -> TailFilter.of(List.of(), List.of("TICKER"), List.of()).checkFor(OutputTopic.EVENTS))
                .hasMessageContaining("events have no data type");
    }
}
