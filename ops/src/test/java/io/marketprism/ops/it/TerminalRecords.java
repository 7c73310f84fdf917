package io.marketprism.ops.it;

import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The exactly-once verdict over a run: how often each task id appears across the terminal topics (results and dead
 * letters), which expected ids never appear and which appear more than once, and the records themselves.
 */
record TerminalRecords(Map<String, Integer> countById, List<TaskResult> results, List<DeadLetter> deadLetters) {

    static TerminalRecords of(List<ConsumerRecord<String, byte[]>> results,
                              List<ConsumerRecord<String, byte[]>> deadLetters) {
        List<TaskResult> decodedResults = results.stream().map(r -> AvroCodec.results().decode(r.value())).toList();
        List<DeadLetter> decodedLetters = deadLetters.stream().map(r -> AvroCodec.deadLetters().decode(r.value()))
                .toList();
        Map<String, Integer> counts = new HashMap<>();
        decodedResults.forEach(r -> counts.merge(r.getTaskId(), 1, Integer::sum));
        decodedLetters.forEach(d -> counts.merge(d.getTaskId(), 1, Integer::sum));
        return new TerminalRecords(counts, decodedResults, decodedLetters);
    }

    /** Everything committed to the default results and dead-letter topics, read under read_committed. */
    static TerminalRecords read(String bootstrap) {
        return of(KafkaChecks.readCommitted(bootstrap, "collector.results"),
                KafkaChecks.readCommitted(bootstrap, "collector.tasks.dlq"));
    }

    Set<String> missing(Collection<String> expected) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(countById.keySet());
        return missing;
    }

    Set<String> duplicated() {
        Set<String> duplicated = new TreeSet<>();
        countById.forEach((id, count) -> {
            if (count > 1) {
                duplicated.add(id);
            }
        });
        return duplicated;
    }

    Set<String> unexpected(Collection<String> expected) {
        Set<String> unexpected = new TreeSet<>(countById.keySet());
        unexpected.removeAll(expected);
        return unexpected;
    }

    int total() {
        return countById.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The ids with a result. */
    Set<String> succeeded() {
        return results.stream().map(TaskResult::getTaskId).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The dead letters with this reason. */
    List<DeadLetter> deadLettered(DeadLetterReason reason) {
        return deadLetters.stream().filter(d -> d.getReason() == reason).toList();
    }

    /** How many dead letters there are of each reason. */
    Map<DeadLetterReason, Long> reasons() {
        return deadLetters.stream().collect(Collectors.groupingBy(DeadLetter::getReason, Collectors.counting()));
    }
}
