package io.marketprism.ops.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code marketprism dlq}: the dead-letter tools; prints their usage when called alone. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Inspect and replay dead letters.",
        subcommands = {DlqListCommand.class, DlqReplayCommand.class})
final class DlqCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
