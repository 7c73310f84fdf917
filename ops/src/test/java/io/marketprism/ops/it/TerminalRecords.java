package io.marketprism.ops.it;

import io.marketprism.schemas.codec.AvroCodec;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The exactly-once verdict over a run: how often each task id appears across the terminal topics (results and dead
 * letters), which expected ids never appear and which appear more than once.
 */
record TerminalRecords(Map<String, Integer> countById) {

    static TerminalRecords of(List<ConsumerRecord<String, byte[]>> results,
                              List<ConsumerRecord<String, byte[]>> deadLetters) {
        Map<String, Integer> counts = new HashMap<>();
        results.forEach(r -> counts.merge(AvroCodec.results().decode(r.value()).getTaskId(), 1, Integer::sum));
        deadLetters.forEach(r -> counts.merge(AvroCodec.deadLetters().decode(r.value()).getTaskId(), 1, Integer::sum));
        return new TerminalRecords(counts);
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
}
