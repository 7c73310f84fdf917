package io.marketprism.ops.cli;

import io.marketprism.ops.tools.DeadLetterEntry;
import io.marketprism.ops.tools.DeadLetterFilter;
import io.marketprism.ops.tools.DeadLetterJson;
import io.marketprism.ops.tools.TopicReader;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marketprism dlq list}: the committed dead letters, one JSON object per line. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Print the dead letters committed so far (read_committed, from the beginning to the current end), "
                + "one JSON object per line.")
final class DlqListCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    DeadLetterOptions deadLetters;

    @Option(names = "--history", description = "Include each task's attempt history.")
    boolean history;

    @Option(names = "--pretty", description = "Indent the JSON over several lines.")
    boolean pretty;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DeadLetterFilter filter = deadLetters.filter(Instant.now());
        PrintWriter out = spec.commandLine().getOut();
        long[] printed = {0};
        if (deadLetters.limit > 0) {
            TopicReader.read(kafka.clientProperties(), deadLetters.topic(), record -> {
                DeadLetterEntry entry = DeadLetterEntry.of(record);
                if (filter.matches(entry)) {
                    out.println(DeadLetterJson.write(entry, history, pretty));
                    printed[0]++;
                }
                return printed[0] < deadLetters.limit;
            });
        }
        out.flush();
        spec.commandLine().getErr().println(printed[0] + " dead letters from " + deadLetters.topic());
        spec.commandLine().getErr().flush();
        return 0;
    }
}
