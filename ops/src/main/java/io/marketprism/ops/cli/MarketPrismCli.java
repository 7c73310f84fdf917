package io.marketprism.ops.cli;

import io.marketprism.ops.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ops/marketprism}: one command with a subcommand per task. */
@Command(name = "marketprism", mixinStandardHelpOptions = true, version = "marketprism 0.1.0",
        description = "MarketPrism Reliability: exactly-once market-data collection on Kafka Streams.",
        subcommands = {LocalCommand.class, ServiceCommand.class, ProduceCommand.class, TailCommand.class, DlqCommand.class,
                StatusCommand.class, BenchCommand.class, ChaosCommand.class, ConfigDocsCommand.class, CommandLine.HelpCommand.class})
public final class MarketPrismCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        int code = new CommandLine(new MarketPrismCli())
                .setExecutionExceptionHandler((error, commandLine, parsed) -> {
                    if (error instanceof IllegalArgumentException || error instanceof IllegalStateException) {
                        commandLine.getErr().println("error: " + error.getMessage());
                        return 2;
                    }
                    throw error;
                })
                .execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
