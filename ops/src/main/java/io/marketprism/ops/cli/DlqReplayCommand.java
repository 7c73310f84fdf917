package io.marketprism.ops.cli;

import io.marketprism.ops.tools.DeadLetterReplayer;
import io.marketprism.ops.tools.ReplaySummary;
import io.marketprism.topology.config.ServiceConfig;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marketprism dlq replay}: chosen dead letters back to the input topic, each at most once. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Write chosen dead letters back to the input topic as tasks, attempt counter reset, history "
                + "kept, with header replay-of=<dlq topic>-<partition>-<offset>.",
                "Each dead letter is replayed at most once, however often or concurrently this runs: the task and a "
                        + "marker in a compacted marker topic are written in one transaction."})
final class DlqReplayCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    DeadLetterOptions deadLetters;

    @Option(names = "--input-topic", description = "Where tasks are replayed to (default: collector.tasks).")
    String inputTopic;

    @Option(names = "--marker-topic", description = "Compacted topic of replay markers, created if missing "
            + "(default: <dlq topic>.replayed).")
    String markerTopic;

    @Option(names = "--marker-replication-factor", defaultValue = "-1",
            description = "Replication factor of a created marker topic; -1 takes the broker's default.")
    int markerReplicationFactor;

    @Option(names = "--format", defaultValue = "avro",
            description = "avro (keeps the attempt history) or json (drops it) (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--include-raw", description = "Also replay dead letters holding only raw bytes, as those bytes.")
    boolean includeRaw;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DeadLetterReplayer replayer = DeadLetterReplayer.builder(kafka.clientProperties())
                .deadLetterTopic(deadLetters.topic())
                .inputTopic(inputTopic != null ? inputTopic : ServiceConfig.ofDefaults().topics().tasks())
                .markerTopic(markerTopic)
                .markerReplicationFactor(markerReplicationFactor)
                .filter(deadLetters.filter(Instant.now()))
                .format(ProduceCommand.parseFormat(format))
                .includeRaw(includeRaw)
                .limit(deadLetters.limit)
                .build();
        PrintWriter err = spec.commandLine().getErr();
        err.println("Replaying from " + deadLetters.topic() + " on " + kafka.describe() + " (markers in "
                + replayer.markerTopic() + ")");
        err.flush();
        ReplaySummary summary = replayer.replay();
        PrintWriter out = spec.commandLine().getOut();
        out.println(summary);
        out.flush();
        return 0;
    }
}
