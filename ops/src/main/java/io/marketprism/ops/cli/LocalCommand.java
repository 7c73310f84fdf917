package io.marketprism.ops.cli;

import io.marketprism.ops.local.LocalStack;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code marketprism local}: broker, simulated exchange and one service instance, until Ctrl-C. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Start a Kafka broker, the simulated exchange and one service instance on this machine.")
final class LocalCommand implements Callable<Integer> {

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--exchange-port", defaultValue = "8090",
            description = "Simulated exchange port (default: ${DEFAULT-VALUE}).")
    int exchangePort;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws Exception {
        System.out.println("Starting the local stack...");
        LocalStack stack = LocalStack.start(kafkaPort, exchangePort, partitions);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping the local stack...");
            stack.close();
            System.out.println("Stopped.");
            stopped.countDown();
        }, "marketprism-shutdown"));
        System.out.println(stack.describe());
        System.out.println("Ready. Ctrl-C stops everything.");
        stopped.await();
        return 0;
    }
}
