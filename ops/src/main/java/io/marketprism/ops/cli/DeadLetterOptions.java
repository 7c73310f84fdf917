package io.marketprism.ops.cli;

import io.marketprism.ops.tools.DeadLetterFilter;
import io.marketprism.ops.tools.TimeBound;
import io.marketprism.topology.config.ServiceConfig;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** Which dead-letter topic, and which dead letters in it: options shared by {@code dlq list} and {@code dlq replay}. */
final class DeadLetterOptions {

    @Option(names = "--topic", description = "Dead-letter topic (default: collector.tasks.dlq).")
    String topic;

    @Option(names = "--reason", split = ",", description = "Only these reasons, e.g. RETRIES_EXHAUSTED,EXPIRED.")
    List<String> reasons = List.of();

    @Option(names = "--exchange", split = ",", description = "Only tasks of these exchanges.")
    List<String> exchanges = List.of();

    @Option(names = "--offsets", split = ",", paramLabel = "PARTITION:OFFSET",
            description = "Only these positions in the dead-letter topic, e.g. 0:17,2:5.")
    List<String> positions = List.of();

    @Option(names = "--since", description = "Only dead-lettered at or after: an ISO-8601 instant or a duration "
            + "before now (90s, 15m, 1h, 7d).")
    String since;

    @Option(names = "--until", description = "Only dead-lettered before: an ISO-8601 instant or a duration before now.")
    String until;

    @Option(names = "--limit", defaultValue = "" + Long.MAX_VALUE, showDefaultValue = Visibility.NEVER,
            description = "At most this many dead letters (default: all).")
    long limit;

    /** The dead-letter topic named, or the service's default. */
    String topic() {
        return topic != null ? topic : ServiceConfig.ofDefaults().topics().deadLetters();
    }

    /** The filter of these options; durations count back from {@code now}. */
    DeadLetterFilter filter(Instant now) {
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
        }
        return DeadLetterFilter.builder()
                .reasons(reasons)
                .exchanges(exchanges)
                .since(since == null ? null : TimeBound.parse("--since", since, now))
                .until(until == null ? null : TimeBound.parse("--until", until, now))
                .positions(positions)
                .build();
    }
}
