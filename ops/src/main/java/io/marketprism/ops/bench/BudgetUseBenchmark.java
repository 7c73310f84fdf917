package io.marketprism.ops.bench;

import io.marketprism.ops.exchange.ServedRequest;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.ops.local.SimulatedEndpoints;
import io.marketprism.ops.tools.BudgetDemand;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.exchange.EgressRoute;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Budget use against the exchanges' own limits: every exchange × market × data type of the shipped definitions asked
 * for at {@code factor} times its limit group's budget ({@link BudgetDemand}), each task due 5 s after it is made, on
 * one service with the direct route against the strict simulator, for {@code duration}. Measures, per (venue, limit
 * group) as the simulator counted it, the share of the budget used and the limit answers (429, 418, Bybit's 403).
 */
public final class BudgetUseBenchmark {

    /** Tasks the budgets cannot serve expire: a queue holds at most this much of demand. */
    static final long DEADLINE_MILLIS = 5_000;
    private static final long FEED_EVERY_MILLIS = 100;
    private static final long PROGRESS_EVERY_SECONDS = 30;
    /** The exchanges' answers to a broken limit: 429 and 418, and Bybit's 403. */
    static final Set<Integer> LIMIT_STATUSES = Set.of(429, 418, 403);

    private final double factor;
    private final Duration duration;
    private final Map<String, String> overrides;
    private final PrintWriter progress;

    /**
     * @param factor    demand over every group's budget, e.g. 3
     * @param duration  how long the demand is produced
     * @param overrides service configuration keys on top of the defaults, e.g. {@code topic.partitions=6}
     */
    public BudgetUseBenchmark(double factor, Duration duration, Map<String, String> overrides, PrintWriter progress) {
        if (!(factor > 0) || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("budget: the demand factor and the duration must be positive, not "
                    + factor + " and " + duration);
        }
        this.factor = factor;
        this.duration = duration;
        this.overrides = Map.copyOf(overrides);
        this.progress = progress;
    }

    /** Runs the demand and measures it; stops everything again. */
    public BudgetUseReport run() throws IOException, InterruptedException, ExecutionException {
        return run(service -> { });
    }

    /** As {@link #run()}, handing the service to {@code whileRunning} once the demand has ended, before it stops. */
    public BudgetUseReport run(Consumer<MarketPrismService> whileRunning)
            throws IOException, InterruptedException, ExecutionException {
        double loadBefore = BenchmarkReport.loadAverage();
        Path stateDir = Files.createTempDirectory("marketprism-budget-");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().port(0).build().start()) {
            ServiceConfig config = serviceConfig(kafka, exchange, stateDir);
            BudgetDemand demand = BudgetDemand.of(ExchangeDefinitions.builtIn(), config.reliability(),
                    List.copyOf(ExchangeDefinitions.builtIn().all().keySet()), factor);
            say(String.format(Locale.ROOT, "%d kinds of request at %.0f× their budgets: %.0f tasks/s for %d s",
                    demand.lines().size(), factor, demand.perSecond(), duration.toSeconds()));
            try (MarketPrismService service = MarketPrismService.withHttp(config)) {
                service.start();
                service.awaitRunning(Duration.ofSeconds(60));
                Instant end = feed(kafka.bootstrapServers(), config.topics().tasks(), demand, exchange);
                List<ServedRequest> served = exchange.requests();
                Instant start = served.stream().filter(r -> !r.healthCheck()).map(ServedRequest::time)
                        .min(Instant::compareTo).orElseThrow(() -> new IllegalStateException(
                                "the simulator was not called in " + duration.toSeconds() + " s"));
                long otherClientErrors = served.stream().filter(r -> r.status() >= 400 && r.status() < 500
                        && !LIMIT_STATUSES.contains(r.status())).count();
                BudgetUseReport report = new BudgetUseReport(factor, demand.lines().size(), demand.perSecond(),
                        Duration.between(start, end).toMillis(), loadBefore, BenchmarkReport.loadAverage(),
                        exchange.limitUsage(), otherClientErrors);
                whileRunning.accept(service);
                return report;
            }
        } finally {
            Utils.delete(stateDir.toFile());
        }
    }

    private ServiceConfig serviceConfig(EmbeddedKafka kafka, SimulatedExchange exchange, Path stateDir) {
        Properties props = new Properties();
        props.putAll(SimulatedEndpoints.strict(exchange, List.of(EgressRoute.DIRECT)));
        props.put("http.port", "0");
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("application.id", "bench-budget");
        props.put("state.dir", stateDir.toString());
        props.putAll(overrides);
        return ServiceConfig.fromProperties(props);
    }

    /**
     * Produces the demand for the run's length, each {@link #FEED_EVERY_MILLIS} the tasks owed since the last time, on
     * a scheduler's thread, with progress every {@link #PROGRESS_EVERY_SECONDS}; returns when the run ended.
     */
    private Instant feed(String bootstrap, String topic, BudgetDemand demand, SimulatedExchange exchange)
            throws InterruptedException, ExecutionException {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            long started = System.nanoTime();
            long[] last = {started};
            ScheduledFuture<?> feed = scheduler.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                for (CollectorTask task : demand.next((now - last[0]) / 1_000_000, "budget", Instant.now(),
                        DEADLINE_MILLIS)) {
                    producer.send(new ProducerRecord<>(topic, AvroCodec.tasks().encode(task)));
                }
                last[0] = now;
            }, 0, FEED_EVERY_MILLIS, TimeUnit.MILLISECONDS);
            ScheduledFuture<?> report = scheduler.scheduleAtFixedRate(() -> say(String.format(Locale.ROOT,
                    "%d of %d s, %,d calls answered", (System.nanoTime() - started) / 1_000_000_000,
                    duration.toSeconds(), exchange.requests().size())),
                    PROGRESS_EVERY_SECONDS, PROGRESS_EVERY_SECONDS, TimeUnit.SECONDS);
            scheduler.schedule(() -> {
                feed.cancel(false);
                report.cancel(false);
            }, duration.toMillis(), TimeUnit.MILLISECONDS).get();
            if (feed.isDone() && !feed.isCancelled()) {
                feed.get();  // the feed failed: its exception
            }
            return Instant.now();
        } finally {
            scheduler.shutdownNow();
        }
    }

    private void say(String line) {
        progress.println("bench: budget: " + line);
        progress.flush();
    }
}
