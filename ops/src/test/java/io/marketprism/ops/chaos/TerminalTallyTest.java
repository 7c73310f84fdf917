package io.marketprism.ops.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.chaos.TaskFeed.ProducedRecord;
import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.AttemptOutcome;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.TaskResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verifier's tally must catch what it claims to catch: duplicates, losses, strangers and broken histories. */
class TerminalTallyTest {

    private static final List<ProducedRecord> PRODUCED = List.of(
            new ProducedRecord("t1", 0, 10, "task"),
            new ProducedRecord("t2", 1, 11, "task"),
            new ProducedRecord("collector.tasks-2-12", 2, 12, "random-bytes"));

    @Test
    void shouldPassWhenEveryProducedRecordHasExactlyOneTerminalRecord() {
        TerminalTally tally = new TerminalTally(PRODUCED);
        tally.result(result("t1", success(1, "okx/www")));
        tally.deadLetter(deadLetter("t2", DeadLetterReason.RETRIES_EXHAUSTED, 1, 11,
                List.of(failure(1), failure(2))));
        tally.deadLetter(deadLetter("collector.tasks-2-12", DeadLetterReason.MALFORMED, 2, 12, null));

        Verdict verdict = tally.verdict();

        assertThat(verdict.exactlyOnce()).as(verdict.summary()).isTrue();
        assertThat(verdict.results()).isEqualTo(1);
        assertThat(verdict.deadLetters()).isEqualTo(Map.of(DeadLetterReason.RETRIES_EXHAUSTED, 1L,
                DeadLetterReason.MALFORMED, 1L));
        assertThat(verdict.failedAttempts()).isEqualTo(2);
    }

    @Test
    void shouldReportATaskWithTwoTerminalRecordsAsDuplicatedAndOneWithoutAsMissing() {
        TerminalTally tally = new TerminalTally(PRODUCED);
        tally.result(result("t1", success(1, "okx/www")));
        tally.deadLetter(deadLetter("t1", DeadLetterReason.EXPIRED, 0, 10, List.of()));

        Verdict verdict = tally.verdict();

        assertThat(verdict.duplicated()).containsExactly("t1");
        assertThat(verdict.missing()).containsExactlyInAnyOrder("t2", "collector.tasks-2-12");
        assertThat(verdict.exactlyOnce()).isFalse();
    }

    @Test
    void shouldCountATaskWithTwoResultsOnceInTheResultShare() {
        TerminalTally tally = new TerminalTally(PRODUCED);
        tally.result(result("t1", success(1, "okx/www")));
        tally.result(result("t1", success(1, "okx/www")));

        Verdict verdict = tally.verdict();

        assertThat(verdict.results()).isEqualTo(1);
        assertThat(verdict.resultShare()).isEqualTo(1.0 / 3);
        assertThat(verdict.duplicated()).containsExactly("t1");
        assertThat(verdict.exactlyOnce()).isFalse();
    }

    @Test
    void shouldMatchTheDeadLetterOfAnUnreadableRecordByItsSourceCoordinates() {
        TerminalTally tally = new TerminalTally(PRODUCED);
        tally.deadLetter(deadLetter("bad-types-7", DeadLetterReason.INVALID, 2, 12, null));

        Verdict verdict = tally.verdict();

        assertThat(verdict.missing()).doesNotContain("collector.tasks-2-12");
        assertThat(verdict.unexpected()).isEmpty();
    }

    @Test
    void shouldReportATerminalRecordOfAnIdNeverProducedAsUnexpected() {
        TerminalTally tally = new TerminalTally(PRODUCED);
        tally.result(result("stranger", success(1, "okx/www")));

        assertThat(tally.verdict().unexpected()).containsExactly("stranger");
        assertThat(tally.verdict().exactlyOnce()).isFalse();
    }

    @Test
    void shouldFlagHistoriesWithAGapASuccessBeforeTheEndOrAResultFromAnotherEndpoint() {
        TerminalTally tally = new TerminalTally(List.of(new ProducedRecord("gap", 0, 1, "task"),
                new ProducedRecord("early", 0, 2, "task"), new ProducedRecord("elsewhere", 0, 3, "task")));
        tally.result(result("gap", failure(1), success(3, "okx/www")));
        tally.deadLetter(deadLetter("early", DeadLetterReason.RETRIES_EXHAUSTED, 0, 2,
                List.of(success(1, "okx/www"), failure(2))));
        tally.result(result("elsewhere", success(1, "okx/aws")));

        Verdict verdict = tally.verdict();

        assertThat(verdict.historyProblemCount()).isEqualTo(3);
        assertThat(verdict.historyProblems()).anyMatch(p -> p.startsWith("gap: attempt 2 is numbered 3"))
                .anyMatch(p -> p.startsWith("early: attempt 1 succeeded"))
                .anyMatch(p -> p.startsWith("elsewhere: result from okx/www"));
        assertThat(verdict.exactlyOnce()).isFalse();
    }

    private static TaskResult result(String id, Attempt... attempts) {
        return TaskResult.newBuilder().setTaskId(id).setExchange("okx").setMarket("spot").setDataType(DataType.TICKER)
                .setSymbol("BTC-USDT").setPriority(Priority.NORMAL).setEndpoint("okx/www").setHttpStatus(200)
                .setBody("{}").setCreatedAt(Instant.EPOCH).setCompletedAt(Instant.EPOCH)
                .setAttempts(List.of(attempts)).build();
    }

    /** A dead letter from (partition, offset) of the input topic; with the task when {@code attempts} is not null. */
    private static DeadLetter deadLetter(String id, DeadLetterReason reason, int partition, long offset,
                                         List<Attempt> attempts) {
        CollectorTask task = attempts == null ? null : CollectorTask.newBuilder().setTaskId(id).setExchange("okx")
                .setDataType(DataType.TICKER).setSymbol("BTC-USDT").setPriority(Priority.NORMAL)
                .setCreatedAt(Instant.EPOCH).setAttempts(attempts).build();
        return DeadLetter.newBuilder().setTaskId(id).setTask(task).setReason(reason).setDetail("why")
                .setSourceTopic("collector.tasks").setSourcePartition(partition).setSourceOffset(offset)
                .setDeadLetteredAt(Instant.EPOCH).build();
    }

    private static Attempt success(int number, String endpoint) {
        return attempt(number, endpoint, AttemptOutcome.SUCCESS);
    }

    private static Attempt failure(int number) {
        return attempt(number, "okx/www", AttemptOutcome.FAILURE);
    }

    private static Attempt attempt(int number, String endpoint, AttemptOutcome outcome) {
        return Attempt.newBuilder().setNumber(number).setEndpoint(endpoint).setStartedAt(Instant.EPOCH)
                .setLatencyMs(1).setOutcome(outcome).build();
    }
}
