package io.marketprism.ops.chaos;

import io.marketprism.schemas.DeadLetterReason;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * What the {@link ExactlyOnceVerifier} found after a run.
 *
 * @param produced records the generator got acknowledged
 * @param results produced records with at least one committed result
 * @param deadLetters committed dead letters of produced records, per reason (duplicates counted)
 * @param missing produced records without a terminal record
 * @param duplicated produced records with more than one terminal record
 * @param unexpected terminal records of ids never produced
 * @param openTransactions output partitions whose last stable offset lags the high watermark, by how much
 * @param abortedRecords records of results and dead letters a read_uncommitted reader saw that read_committed did
 *     not: the output of aborted transactions, which must stay invisible
 * @param historyProblems terminal records whose attempt history does not add up, one line each (at most 20)
 * @param historyProblemCount how many there were in all
 * @param failedAttempts attempts that did not succeed, over every terminal record's history
 */
public record Verdict(int produced, int results, Map<DeadLetterReason, Long> deadLetters, Set<String> missing,
                      Set<String> duplicated, Set<String> unexpected, Map<TopicPartition, Long> openTransactions,
                      long abortedRecords, List<String> historyProblems, int historyProblemCount,
                      long failedAttempts) {

    /** Every produced record in exactly one terminal record, nothing else, no transaction open, histories sound. */
    public boolean exactlyOnce() {
        return missing.isEmpty() && duplicated.isEmpty() && unexpected.isEmpty() && openTransactions.isEmpty()
                && historyProblemCount == 0;
    }

    /** Dead letters of produced records, all reasons. */
    public long deadLettered() {
        return deadLetters.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Share of produced records that ended in a result (at least one), 0..1. */
    public double resultShare() {
        return produced == 0 ? 0 : (double) results / produced;
    }

    /** One line for logs and assertion messages. */
    public String summary() {
        return "produced " + produced + ", results " + results + ", dead letters " + deadLetters
                + ", missing " + missing.size() + first(missing) + ", duplicated " + duplicated.size()
                + first(duplicated) + ", unexpected " + unexpected.size() + first(unexpected)
                + ", open transactions " + openTransactions + ", aborted records seen " + abortedRecords
                + ", history problems " + historyProblemCount + (historyProblems.isEmpty() ? "" : " " + historyProblems)
                + ", failed attempts " + failedAttempts;
    }

    private static String first(Set<String> ids) {
        return ids.isEmpty() ? "" : " (e.g. " + ids.stream().limit(5).toList() + ")";
    }
}
