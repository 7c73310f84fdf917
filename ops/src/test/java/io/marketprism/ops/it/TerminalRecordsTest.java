package io.marketprism.ops.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The verifier the exactly-once tests rely on must catch what it claims to catch. */
class TerminalRecordsTest {

    private static ConsumerRecord<String, byte[]> result(String id) {
        TaskResult result = TaskResult.newBuilder().setTaskId(id).setExchange("okx").setMarket("spot")
                .setDataType(DataType.TICKER).setSymbol("BTC-USDT").setPriority(Priority.NORMAL).setEndpoint("okx/www")
                .setHttpStatus(200).setBody("{}").setCreatedAt(Instant.EPOCH).setCompletedAt(Instant.EPOCH).build();
        return new ConsumerRecord<>("results", 0, 0, id, AvroCodec.results().encode(result));
    }

    private static ConsumerRecord<String, byte[]> deadLetter(String id) {
        DeadLetter letter = DeadLetter.newBuilder().setTaskId(id).setReason(DeadLetterReason.RETRIES_EXHAUSTED)
                .setDetail("x").setSourceTopic("tasks").setSourcePartition(0).setSourceOffset(0)
                .setDeadLetteredAt(Instant.EPOCH).build();
        return new ConsumerRecord<>("dlq", 0, 0, id, AvroCodec.deadLetters().encode(letter));
    }

    @Test
    void shouldFindATaskEmittedOnceAsResultAndOnceAsDeadLetterDuplicated() {
        TerminalRecords records = TerminalRecords.of(List.of(result("a"), result("b")), List.of(deadLetter("b")));

        assertThat(records.duplicated()).containsExactly("b");
        assertThat(records.missing(List.of("a", "b"))).isEmpty();
        assertThat(records.succeeded()).containsExactly("a", "b");
        assertThat(records.deadLettered(DeadLetterReason.RETRIES_EXHAUSTED)).extracting(DeadLetter::getTaskId)
                .containsExactly("b");
        assertThat(records.reasons()).containsOnly(Map.entry(DeadLetterReason.RETRIES_EXHAUSTED, 1L));
    }

    @Test
    void shouldFindMissingAndUnexpectedTasks() {
        TerminalRecords records = TerminalRecords.of(List.of(result("a"), result("z")), List.of());

        assertThat(records.missing(List.of("a", "b"))).containsExactly("b");
        assertThat(records.unexpected(List.of("a", "b"))).containsExactly("z");
        assertThat(records.duplicated()).isEmpty();
        assertThat(records.total()).isEqualTo(2);
    }
}
