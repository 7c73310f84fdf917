package io.marketprism.ops.cli;

import io.marketprism.ops.tools.PriorityMix;
import io.marketprism.ops.tools.ProgressReporter;
import io.marketprism.ops.tools.TaskFormat;
import io.marketprism.ops.tools.TaskGenerator;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.topology.config.ServiceConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marketprism produce}: generated tasks to the input topic, for smoke and load tests. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Produce generated collector tasks to the input topic with an idempotent producer.")
final class ProduceCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", description = "Input topic (default: collector.tasks).")
    String topic;

    @Option(names = "--count", defaultValue = "100", description = "Tasks to produce (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--rate", defaultValue = "0",
            description = "Tasks per second; 0 is as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--format", defaultValue = "json", description = "json or avro (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--priority-mix", defaultValue = "CRITICAL=1,HIGH=2,NORMAL=5,LOW=2",
            description = "Relative weight per priority (default: ${DEFAULT-VALUE}).")
    String priorityMix;

    @Option(names = "--exchanges", split = ",", defaultValue = "binance,okx,deribit",
            description = "Exchanges to draw from (default: ${DEFAULT-VALUE}).")
    List<String> exchanges;

    @Option(names = "--symbols", paramLabel = "EXCHANGE=SYM[,SYM...]",
            description = "Symbols of one exchange; repeatable. Defaults: binance=BTCUSDT,ETHUSDT "
                    + "okx=BTC-USDT,ETH-USDT deribit=BTC-PERPETUAL,ETH-PERPETUAL.")
    Map<String, String> symbols = Map.of();

    @Option(names = "--data-types", split = ",", defaultValue = "ORDER_BOOK,TRADES,TICKER,FUNDING_RATE,OPEN_INTEREST",
            description = "Data types to draw from (default: ${DEFAULT-VALUE}).")
    List<String> dataTypes;

    @Option(names = "--seed", description = "Seed of the random choices (default: a fresh one per run).")
    Long seed;

    @Option(names = "--id-prefix", defaultValue = "produce",
            description = "Task ids are PREFIX-RUNID-SEQUENCE (default prefix: ${DEFAULT-VALUE}).")
    String idPrefix;

    @Option(names = "--run-id", description = "The run part of task ids (default: the start time in base 36).")
    String runId;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (count < 0 || count > 1_000_000_000L) {
            throw new IllegalArgumentException("--count must be in 0..1000000000, got " + count);
        }
        if (!(rate >= 0 && rate <= 1_000_000)) {
            throw new IllegalArgumentException("--rate must be in 0..1000000 tasks/s (0 = unlimited), got " + rate);
        }
        TaskFormat taskFormat = parseFormat(format);
        TaskGenerator generator = generator();
        String target = topic != null ? topic : ServiceConfig.ofDefaults().topics().tasks();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        err.println("Producing " + count + " " + taskFormat.name().toLowerCase(Locale.ROOT) + " tasks to " + target
                + " on " + kafka.describe());
        err.flush();

        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        ProgressReporter progress = new ProgressReporter(err, System.console() != null, count, "tasks",
                System::nanoTime);
        long startedAt = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < count; i++) {
                if (rate > 0) {
                    awaitSlot(startedAt, i);
                }
                CollectorTask task = generator.next();
                producer.send(new ProducerRecord<>(target, task.getTaskId().getBytes(StandardCharsets.UTF_8),
                        taskFormat.encode(task)), (metadata, error) -> {
                            if (error == null) {
                                acknowledged.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                                firstError.compareAndSet(null, error);
                            }
                        });
                progress.update(acknowledged.get());
            }
            producer.flush();
        }
        out.println("produced " + progress.finish(acknowledged.get()) + " to " + target);
        out.flush();
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + count + " tasks were not produced; first error: "
                    + firstError.get().getMessage());
        }
        return 0;
    }

    private TaskGenerator generator() {
        TaskGenerator.Builder builder = TaskGenerator.builder()
                .idPrefix(idPrefix)
                .runId(runId != null ? runId : Long.toString(System.currentTimeMillis(), 36))
                .priorityMix(PriorityMix.parse(priorityMix))
                .exchanges(exchanges)
                .dataTypes(dataTypes.stream().map(ProduceCommand::dataType).toList())
                .seed(seed != null ? seed : System.nanoTime());
        symbols.forEach((exchange, list) -> builder.symbols(exchange, Arrays.asList(list.split(","))));
        return builder.build();
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        return props;
    }

    /** Parks until the i-th task is due at the requested rate. */
    private void awaitSlot(long startedAt, long index) {
        long dueAt = startedAt + (long) (index * (TimeUnit.SECONDS.toNanos(1) / rate));
        for (long wait = dueAt - System.nanoTime(); wait > 0; wait = dueAt - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    static TaskFormat parseFormat(String text) {
        try {
            return TaskFormat.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format: '" + text + "' is not json or avro", e);
        }
    }

    private static DataType dataType(String name) {
        try {
            DataType type = DataType.valueOf(name.strip().toUpperCase(Locale.ROOT));
            if (type != DataType.UNKNOWN) {
                return type;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("--data-types: '" + name
                + "' is not one of ORDER_BOOK, TRADES, TICKER, FUNDING_RATE, OPEN_INTEREST");
    }
}
