package io.marketprism.ops.chaos;

import io.marketprism.ops.chaos.TaskFeed.ProducedRecord;
import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.AttemptOutcome;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.IsolationLevel;

/**
 * The exactly-once verdict over a run, modelled on Kafka's own EOS verifier: reads results and dead letters under
 * read_committed and checks that every produced record is in exactly one terminal record (a result or a dead letter;
 * a record the service could not read is matched by its coordinates), none twice, none missing, nothing never
 * produced; that no output partition keeps a transaction open (last stable offset equals high watermark); and that
 * each attempt history is numbered 1..n with a success only as a result's last attempt, on the result's endpoint. A
 * read_uncommitted reader counts the records of aborted transactions, which the committed view must not show.
 */
public final class ExactlyOnceVerifier {

    private static final int SHOWN_PROBLEMS = 20;
    private static final Duration OPEN_TRANSACTION_WAIT = Duration.ofSeconds(60);

    private final String bootstrap;

    public ExactlyOnceVerifier(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /**
     * Waits up to {@code within} until the terminal topics hold at least one committed record per produced one, and
     * up to a minute more until no output partition has a transaction open, then reads and judges.
     */
    public Verdict verify(List<ProducedRecord> produced, Duration within) {
        Deadline.within(within).tryAwait(() -> committedRecords() >= produced.size()
                && read(produced).missing().isEmpty());
        Deadline.within(OPEN_TRANSACTION_WAIT).tryAwait(() ->
                KafkaChecks.openTransactionLag(bootstrap, ChaosStack.OUTPUT_TOPICS).isEmpty());
        Verdict verdict = read(produced);
        long uncommitted = count(ChaosStack.RESULTS, IsolationLevel.READ_UNCOMMITTED)
                + count(ChaosStack.DEAD_LETTERS, IsolationLevel.READ_UNCOMMITTED);
        long committed = count(ChaosStack.RESULTS, IsolationLevel.READ_COMMITTED)
                + count(ChaosStack.DEAD_LETTERS, IsolationLevel.READ_COMMITTED);
        return new Verdict(verdict.produced(), verdict.results(), verdict.deadLetters(), verdict.missing(),
                verdict.duplicated(), verdict.unexpected(),
                KafkaChecks.openTransactionLag(bootstrap, ChaosStack.OUTPUT_TOPICS), uncommitted - committed,
                verdict.historyProblems(), verdict.historyProblemCount(), verdict.failedAttempts());
    }

    /** Committed records and markers on the terminal topics: a cheap lower bound before a full read. */
    private long committedRecords() {
        return KafkaChecks.committedEnd(bootstrap, ChaosStack.RESULTS)
                + KafkaChecks.committedEnd(bootstrap, ChaosStack.DEAD_LETTERS);
    }

    private long count(String topic, IsolationLevel level) {
        long[] count = {0};
        KafkaChecks.forEach(bootstrap, topic, level, r -> count[0]++);
        return count[0];
    }

    /** The verdict on what is committed now, open transactions and aborted records not yet looked at. */
    private Verdict read(List<ProducedRecord> produced) {
        Judgement judgement = new Judgement(produced);
        KafkaChecks.forEach(bootstrap, ChaosStack.RESULTS, IsolationLevel.READ_COMMITTED,
                r -> judgement.result(AvroCodec.results().decode(r.value())));
        KafkaChecks.forEach(bootstrap, ChaosStack.DEAD_LETTERS, IsolationLevel.READ_COMMITTED,
                r -> judgement.deadLetter(AvroCodec.deadLetters().decode(r.value())));
        return judgement.verdict();
    }

    /** Tallies terminal records against what was produced. */
    private static final class Judgement {
        private final Map<String, Integer> terminalCount = new HashMap<>();
        private final Set<String> unexpected = new TreeSet<>();
        private final Map<DeadLetterReason, Long> reasons = new EnumMap<>(DeadLetterReason.class);
        private final List<String> problems = new ArrayList<>();
        private final int produced;
        private int problemCount;
        private int results;
        private long failedAttempts;

        Judgement(List<ProducedRecord> produced) {
            produced.forEach(p -> terminalCount.put(p.id(), 0));
            this.produced = produced.size();
        }

        void result(TaskResult result) {
            if (count(result.getTaskId())) {
                results++;
            }
            checkHistory(result.getTaskId(), result.getAttempts(), result.getEndpoint());
        }

        void deadLetter(DeadLetter letter) {
            String key = terminalCount.containsKey(letter.getTaskId()) ? letter.getTaskId()
                    : letter.getSourceTopic() + "-" + letter.getSourcePartition() + "-" + letter.getSourceOffset();
            if (!terminalCount.containsKey(key)) {
                key = letter.getTaskId();
            }
            if (count(key)) {
                reasons.merge(letter.getReason(), 1L, Long::sum);
            }
            if (letter.getTask() != null) {
                checkHistory(letter.getTaskId(), letter.getTask().getAttempts(),
                        letter.getReason() == DeadLetterReason.RESULT_TOO_LARGE ? "" : null);
            }
        }

        /** Counts a terminal record of {@code id}; false when the id was never produced. */
        private boolean count(String id) {
            Integer seen = terminalCount.get(id);
            if (seen == null) {
                unexpected.add(id);
                return false;
            }
            terminalCount.put(id, seen + 1);
            return true;
        }

        /**
         * @param successEndpoint for a result its endpoint (the last attempt succeeded there); empty when the last
         *     attempt may have succeeded anywhere; null when no attempt may have succeeded
         */
        private void checkHistory(String id, List<Attempt> attempts, String successEndpoint) {
            for (int i = 0; i < attempts.size(); i++) {
                Attempt attempt = attempts.get(i);
                boolean last = i == attempts.size() - 1;
                if (attempt.getOutcome() != AttemptOutcome.SUCCESS) {
                    failedAttempts++;
                }
                if (attempt.getNumber() != i + 1) {
                    problem(id + ": attempt " + (i + 1) + " is numbered " + attempt.getNumber());
                } else if (attempt.getOutcome() == AttemptOutcome.SUCCESS && !(last && successEndpoint != null)) {
                    problem(id + ": attempt " + attempt.getNumber() + " succeeded but the task went on");
                }
            }
            if (successEndpoint == null || successEndpoint.isEmpty()) {
                return;
            }
            Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
            if (last == null || last.getOutcome() != AttemptOutcome.SUCCESS) {
                problem(id + ": a result whose last attempt did not succeed");
            } else if (!last.getEndpoint().equals(successEndpoint)) {
                problem(id + ": result from " + successEndpoint + " but the last attempt was on " + last.getEndpoint());
            }
        }

        private void problem(String line) {
            problemCount++;
            if (problems.size() < SHOWN_PROBLEMS) {
                problems.add(line);
            }
        }

        Verdict verdict() {
            Set<String> missing = new TreeSet<>();
            Set<String> duplicated = new TreeSet<>();
            terminalCount.forEach((id, count) -> {
                if (count == 0) {
                    missing.add(id);
                } else if (count > 1) {
                    duplicated.add(id);
                }
            });
            return new Verdict(produced, results, Map.copyOf(reasons), missing, duplicated, unexpected, Map.of(), 0,
                    List.copyOf(problems), problemCount, failedAttempts);
        }
    }
}
