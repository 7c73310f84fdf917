package io.marketprism.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.RecordDecodingException.Problem;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void shouldReadBackEveryRecordTypeItWrites() {
        assertThat(RecordJson.results().decode(RecordJson.results().encode(SampleRecords.result())))
                .isEqualTo(SampleRecords.result());
        assertThat(RecordJson.deadLetters().decode(RecordJson.deadLetters().encode(SampleRecords.deadLetter())))
                .isEqualTo(SampleRecords.deadLetter());
        assertThat(RecordJson.tasks().decode(RecordJson.tasks().encode(SampleRecords.retriedTask())))
                .isEqualTo(SampleRecords.retriedTask());
    }

    @Test
    void shouldWritePlainValuesIsoTimestampsBase64BytesAndLeaveNullsOut() throws Exception {
        JsonNode letter = json.readTree(RecordJson.deadLetters().write(SampleRecords.deadLetter()));

        assertThat(letter.get("reason").textValue()).isEqualTo("RETRIES_EXHAUSTED");
        assertThat(letter.get("deadLetteredAt").textValue()).isEqualTo("2026-01-15T10:00:05.123Z");
        assertThat(letter.get("rawValue").textValue()).isEqualTo("AQID");
        assertThat(letter.at("/task/attempts/1/errorClass").textValue()).isEqualTo("SERVER");
        assertThat(letter.at("/task/origin/offset").longValue()).isEqualTo(42);
        JsonNode result = json.readTree(RecordJson.results().write(SampleRecords.result()));
        assertThat(result.at("/attempts/0/httpStatus").intValue()).isEqualTo(503);
        JsonNode task = json.readTree(RecordJson.tasks().write(SampleRecords.typicalTask()));
        assertThat(task.has("deadline")).isFalse();
        assertThat(task.has("notBefore")).isFalse();
    }

    @Test
    void shouldFillDefaultsAndAcceptEpochMillis() {
        CollectorTask task = RecordJson.tasks().decode(bytes("{\"taskId\":\"t-1\",\"exchange\":\"okx\","
                + "\"dataType\":\"TICKER\",\"symbol\":\"BTC-USDT\",\"createdAt\":1768471200123}"));

        assertThat(task.getMarket()).isEqualTo("spot");
        assertThat(task.getPriority().name()).isEqualTo("NORMAL");
        assertThat(task.getAttempts()).isEmpty();
        assertThat(task.getCreatedAt().toEpochMilli()).isEqualTo(1768471200123L);
    }

    @Test
    void shouldRefuseUnknownFieldsMissingFieldsAndWrongTypesNamingThePath() {
        String result = RecordJson.results().write(SampleRecords.result());

        assertThatThrownBy(() -> RecordJson.results().decode(bytes(result.replace("\"body\"", "\"bdy\""))))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("TaskResult: unknown field 'bdy'");
        assertThatThrownBy(() -> RecordJson.results().decode(bytes(result.replace("\"httpStatus\":503",
                "\"httpStatus\":\"x\""))))
                .hasMessageContaining("TaskResult.attempts[0].httpStatus: expected a 32-bit integer, got string");
        assertThatThrownBy(() -> RecordJson.deadLetters().decode(bytes("{\"taskId\":\"t\"}")))
                .hasMessageContaining("DeadLetter.reason: required field is missing");
        assertThatThrownBy(() -> RecordJson.deadLetters().decode(bytes("{not json")))
                .isInstanceOfSatisfying(RecordDecodingException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.INVALID_JSON));
    }

    @Test
    void shouldDecodeEitherFormatByItsFirstByte() {
        RecordCodec<TaskResult> results = RecordCodec.results();
        TaskResult result = SampleRecords.result();

        assertThat(results.decode(results.encode(result, OutputFormat.AVRO))).isEqualTo(result);
        assertThat(results.decode(results.encode(result, OutputFormat.JSON))).isEqualTo(result);
        assertThat(new String(results.encode(result, OutputFormat.JSON), StandardCharsets.UTF_8)).startsWith("{");
        assertThatThrownBy(() -> RecordCodec.deadLetters().decode(bytes("plain text")))
                .isInstanceOfSatisfying(RecordDecodingException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.UNKNOWN_FORMAT));
    }

    @Test
    void shouldNameTheAllowedFormats() {
        assertThat(OutputFormat.parse(" Json ")).isEqualTo(OutputFormat.JSON);
        assertThatThrownBy(() -> OutputFormat.parse("xml")).hasMessage("'xml' is not an output format; allowed: avro, json");
    }

    @Test
    void shouldReadAJsonRetryBackAsTheWholeTaskWithItsHistory() {
        CollectorTask retried = SampleRecords.retriedTask();
        byte[] written = RecordCodec.tasks().encode(retried, OutputFormat.JSON);

        TaskReadResult read = new TaskReader().read(written, "retry", 0, 7, 5L);

        assertThat(read).isEqualTo(new TaskReadResult.Accepted(retried, TaskReadResult.Format.JSON));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

}
