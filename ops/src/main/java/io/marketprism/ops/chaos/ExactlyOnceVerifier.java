package io.marketprism.ops.chaos;

import io.marketprism.ops.chaos.TaskFeed.ProducedRecord;
import io.marketprism.schemas.codec.AvroCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The exactly-once verdict over a run, modelled on Kafka's own EOS verifier: reads results and dead letters under
 * read_committed and checks that every produced record is in exactly one terminal record (a result or a dead letter;
 * a record the service could not read is matched by its coordinates), none twice, none missing, nothing never
 * produced; that no output partition keeps a transaction open (last stable offset equals high watermark); and that
 * each attempt history is numbered 1..n with a success only as a result's last attempt, on the result's endpoint. A
 * read_uncommitted reader counts the records of aborted transactions, which the committed view must not show.
 */
public final class ExactlyOnceVerifier {

    private static final Duration OPEN_TRANSACTION_WAIT = Duration.ofSeconds(60);

    private final String bootstrap;

    public ExactlyOnceVerifier(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /**
     * Waits up to {@code within} until the terminal topics hold at least one committed record per produced one, and
     * up to a minute more until no output partition has a transaction open, then reads and judges. The open
     * transactions judged are those still open at the end of that wait: the instances go on running (health checks
     * of ejected endpoints write events), so a later look may catch a transaction that is about to commit.
     */
    public Verdict verify(List<ProducedRecord> produced, Duration within) {
        return verify(produced, within, within);
    }

    /**
     * As {@link #verify(List, Duration)}, but stops waiting for the missing ones once the terminal topics have gained
     * no committed record for {@code settled}: under at_least_once lost tasks never come, and waiting out
     * {@code within} would change nothing.
     */
    public Verdict verify(List<ProducedRecord> produced, Duration within, Duration settled) {
        Settling output = new Settling(settled);
        Deadline.within(within).tryAwait(() -> {
            long committed = committedRecords();
            return committed >= produced.size() && read(produced).missing().isEmpty()
                    || output.settled(committed, System.nanoTime());
        });
        AtomicReference<Map<TopicPartition, Long>> openTransactions = new AtomicReference<>();
        Deadline.within(OPEN_TRANSACTION_WAIT).tryAwait(() -> {
            openTransactions.set(KafkaChecks.openTransactionLag(bootstrap, ChaosStack.OUTPUT_TOPICS));
            return openTransactions.get().isEmpty();
        });
        Verdict verdict = read(produced);
        long uncommitted = count(ChaosStack.RESULTS, IsolationLevel.READ_UNCOMMITTED)
                + count(ChaosStack.DEAD_LETTERS, IsolationLevel.READ_UNCOMMITTED);
        long committed = count(ChaosStack.RESULTS, IsolationLevel.READ_COMMITTED)
                + count(ChaosStack.DEAD_LETTERS, IsolationLevel.READ_COMMITTED);
        return new Verdict(verdict.produced(), verdict.results(), verdict.deadLetters(), verdict.missing(),
                verdict.duplicated(), verdict.unexpected(), openTransactions.get(), uncommitted - committed,
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
        TerminalTally tally = new TerminalTally(produced);
        KafkaChecks.forEach(bootstrap, ChaosStack.RESULTS, IsolationLevel.READ_COMMITTED,
                r -> tally.result(AvroCodec.results().decode(r.value())));
        KafkaChecks.forEach(bootstrap, ChaosStack.DEAD_LETTERS, IsolationLevel.READ_COMMITTED,
                r -> tally.deadLetter(AvroCodec.deadLetters().decode(r.value())));
        return tally.verdict();
    }
}
