package io.marketprism.ops.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.marketprism.schemas.codec.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import io.marketprism.schemas.codec.OutputFormat;
import io.marketprism.schemas.codec.RecordCodec;
import org.junit.jupiter.api.Test;

class DeadLetterJsonTest {

    private static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    @Test
    void shouldRenderTaskReasonSourceAndPositionOnOneLine() throws Exception {
        // Given
        DeadLetterEntry entry = entryOf(AvroCodec.deadLetters().encode(DeadLetters.exhausted("t-1", "okx", AT)));

        // When
        String line = DeadLetterJson.write(entry, false, false);

        // Then
        assertThat(line).doesNotContain("\n");
        JsonNode json = MAPPER.readTree(line);
        assertThat(json.at("/dlq/topic").asText()).isEqualTo("collector.tasks.dlq");
        assertThat(json.at("/dlq/partition").asInt()).isEqualTo(2);
        assertThat(json.at("/dlq/offset").asLong()).isEqualTo(17);
        assertThat(json.at("/taskId").asText()).isEqualTo("t-1");
        assertThat(json.at("/reason").asText()).isEqualTo("RETRIES_EXHAUSTED");
        assertThat(json.at("/detail").asText()).isEqualTo("2 attempts failed");
        assertThat(json.at("/lastError").asText()).isEqualTo("HTTP 503 from okx/api1");
        assertThat(json.at("/source/topic").asText()).isEqualTo("collector.tasks");
        assertThat(json.at("/source/partition").asInt()).isEqualTo(1);
        assertThat(json.at("/source/offset").asLong()).isEqualTo(41);
        assertThat(json.at("/deadLetteredAt").asText()).isEqualTo("2025-06-01T12:00:00Z");
        assertThat(json.at("/task/exchange").asText()).isEqualTo("okx");
        assertThat(json.at("/task/attempt").asInt()).isEqualTo(2);
        assertThat(json.has("attempts")).isFalse();
    }

    @Test
    void shouldIncludeTheAttemptHistoryWhenAsked() throws Exception {
        DeadLetterEntry entry = entryOf(AvroCodec.deadLetters().encode(DeadLetters.exhausted("t-1", "okx", AT)));

        JsonNode json = MAPPER.readTree(DeadLetterJson.write(entry, true, false));

        assertThat(json.at("/attempts")).hasSize(2);
        assertThat(json.at("/attempts/1/number").asInt()).isEqualTo(2);
        assertThat(json.at("/attempts/1/endpoint").asText()).isEqualTo("okx/api1");
        assertThat(json.at("/attempts/1/httpStatus").asInt()).isEqualTo(503);
        assertThat(json.at("/attempts/1/errorClass").asText()).isEqualTo("SERVER");
        assertThat(json.at("/attempts/0/startedAt").asText()).isEqualTo("2025-06-01T11:59:50Z");
    }

    @Test
    void shouldRenderRawBytesOfAnUndecodedTaskAsBase64() throws Exception {
        byte[] raw = "{\"exchange\":".getBytes(StandardCharsets.UTF_8);
        DeadLetterEntry entry = entryOf(AvroCodec.deadLetters().encode(DeadLetters.malformed("t-2", raw, AT)));

        JsonNode json = MAPPER.readTree(DeadLetterJson.write(entry, true, false));

        assertThat(json.has("task")).isFalse();
        assertThat(Base64.getDecoder().decode(json.at("/rawValue").asText())).isEqualTo(raw);
        assertThat(json.at("/reason").asText()).isEqualTo("MALFORMED");
    }

    @Test
    void shouldListADeadLetterTheServiceWroteAsJson() throws Exception {
        byte[] value = RecordCodec.deadLetters().encode(DeadLetters.exhausted("t-json", "okx", AT), OutputFormat.JSON);

        JsonNode json = MAPPER.readTree(DeadLetterJson.write(entryOf(value), false, false));

        assertThat(json.at("/taskId").asText()).isEqualTo("t-json");
        assertThat(json.at("/task/exchange").asText()).isEqualTo("okx");
        assertThat(json.has("error")).isFalse();
    }

    @Test
    void shouldRenderARecordThatIsNoDeadLetterWithItsErrorAndBytes() throws Exception {
        byte[] junk = {1, 2, 3};

        JsonNode json = MAPPER.readTree(DeadLetterJson.write(entryOf(junk), false, false));

        assertThat(json.at("/error").asText()).contains("neither Avro single-object encoding");
        assertThat(Base64.getDecoder().decode(json.at("/value").asText())).isEqualTo(junk);
        assertThat(json.at("/dlq/offset").asLong()).isEqualTo(17);
    }

    @Test
    void shouldIndentWhenPretty() {
        DeadLetterEntry entry = entryOf(AvroCodec.deadLetters().encode(DeadLetters.exhausted("t-1", "okx", AT)));

        assertThat(DeadLetterJson.write(entry, false, true)).contains("\n  \"taskId\" : \"t-1\"");
    }

    private static DeadLetterEntry entryOf(byte[] value) {
        return DeadLetterEntry.of(new ConsumerRecord<>("collector.tasks.dlq", 2, 17, null, value));
    }
}
