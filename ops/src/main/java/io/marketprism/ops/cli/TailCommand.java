package io.marketprism.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.ops.tools.OutputTopic;
import io.marketprism.ops.tools.TailFilter;
import io.marketprism.ops.tools.TimeBound;
import io.marketprism.ops.tools.TopicTail;
import io.marketprism.topology.config.ServiceConfig;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code marketprism tail results|dlq|events}: the committed output records, decoded, one JSON object per line. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Print the committed records of an output topic (read_committed), decoded from Avro or JSON, "
                + "one JSON object per line, from the beginning (or --since) to the current end, or on with --follow.",
                "Results and dead letters print with their schema's fields; events as written."})
final class TailCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "results|dlq|events", converter = OutputTopicConverter.class,
            description = "Which output: results, dlq (dead letters) or events (reliability events).")
    OutputTopic output;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", description = "The topic to read (default: the service's topic of that output).")
    String topic;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new records until Ctrl-C.")
    boolean follow;

    @Option(names = "--since", description = "Start at the first record at or after: an ISO-8601 instant or a "
            + "duration before now (90s, 15m, 1h, 7d). Default: the beginning.")
    String since;

    @Option(names = "--exchange", split = ",", description = "Only records of these exchanges.")
    List<String> exchanges = List.of();

    @Option(names = "--data-type", split = ",", description = "Only results and dead letters of these data types.")
    List<String> dataTypes = List.of();

    @Option(names = "--reason", split = ",", description = "Only dead letters with these reasons, e.g. INVALID,SHED.")
    List<String> reasons = List.of();

    @Option(names = "--max", defaultValue = "-1", description = "Stop after printing this many records (default: no "
            + "limit).")
    long max;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (max < -1) {
            throw new IllegalArgumentException("--max must be >= 0, got " + max);
        }
        TailFilter filter = TailFilter.of(exchanges, dataTypes, reasons).checkFor(output);
        Instant from = since == null ? null : TimeBound.parse("--since", since, Instant.now());
        String name = topic != null ? topic : output.defaultTopic(ServiceConfig.ofDefaults().topics());
        PrintWriter out = spec.commandLine().getOut();
        AtomicBoolean done = new AtomicBoolean(max == 0);
        long[] printed = {0};
        Thread reader = Thread.currentThread();
        Thread onExit = new Thread(() -> {
            done.set(true);
            try {
                reader.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "marketprism-tail-stop");
        Runtime.getRuntime().addShutdownHook(onExit);
        try {
            TopicTail.read(kafka.clientProperties(), name, from, follow, done::get, record -> {
                JsonNode json;
                boolean shown;
                try {
                    json = output.toJson(record);
                    shown = filter.matches(output, json);
                } catch (IllegalArgumentException e) {
                    json = OutputTopic.unreadable(record, e.getMessage());
                    shown = true;  // whatever the filters: an unreadable record is never silently skipped
                }
                if (shown && !done.get()) {
                    out.println(json);
                    out.flush();
                    if (++printed[0] == max) {
                        done.set(true);
                    }
                }
            });
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for this thread to finish
            }
        }
        spec.commandLine().getErr().println(printed[0] + " records from " + name);
        spec.commandLine().getErr().flush();
        return 0;
    }

    /** results, dlq or events, case-insensitive. */
    static final class OutputTopicConverter implements picocli.CommandLine.ITypeConverter<OutputTopic> {
        @Override
        public OutputTopic convert(String value) {
            for (OutputTopic topic : OutputTopic.values()) {
                if (topic.commandName().equalsIgnoreCase(value.strip())) {
                    return topic;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not an output; expected "
                    + "results, dlq or events");
        }
    }
}
