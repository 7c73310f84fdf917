package io.marketprism.ops.chaos;

import io.marketprism.ops.chaos.TaskFeed.ProducedRecord;
import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.AttemptOutcome;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.TaskResult;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tallies terminal records against what was produced, for the {@link ExactlyOnceVerifier}: how many each produced
 * record has (a dead letter of a record the service could not read is matched by its source coordinates), which ids
 * were never produced, and which attempt histories do not add up.
 */
final class TerminalTally {

    private static final int SHOWN_PROBLEMS = 20;

    private final Map<String, Integer> terminalCount = new HashMap<>();
    private final Set<String> unexpected = new TreeSet<>();
    private final Map<DeadLetterReason, Long> reasons = new EnumMap<>(DeadLetterReason.class);
    private final List<String> problems = new ArrayList<>();
    private final int produced;
    private int problemCount;
    private final Set<String> withResult = new HashSet<>();
    private long failedAttempts;

    TerminalTally(List<ProducedRecord> produced) {
        produced.forEach(p -> terminalCount.put(p.id(), 0));
        this.produced = produced.size();
    }

    void result(TaskResult result) {
        if (count(result.getTaskId())) {
            withResult.add(result.getTaskId());
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
        return new Verdict(produced, withResult.size(), Map.copyOf(reasons), missing, duplicated, unexpected, Map.of(), 0,
                List.copyOf(problems), problemCount, failedAttempts);
    }
}
