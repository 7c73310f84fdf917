package io.marketprism.ops.kafka;

import java.time.Duration;
import java.util.Map;

/**
 * The settings docs/deployment.md recommends for a failover within seconds, on the brokers and on the service, and
 * the ones the chaos and benchmark stacks run with, so what is measured is what is documented
 * ({@code FailoverSettingsTest} keeps the two equal).
 *
 * <p>After a kill -9 under exactly-once, results stop until the later of two things (Kafka 4.4):
 * <ul>
 *   <li><b>The group notices and rebalances.</b> The coordinator drops the dead member only after
 *       {@code session.timeout.ms} without a heartbeat; the others learn of the rebalance with their next heartbeat,
 *       rejoin, and the dead member's tasks go to the instance holding their standby (or, without one, to an instance
 *       that restores them from the changelog first). The broker refuses a session timeout below
 *       {@code group.min.session.timeout.ms} (6 s by default).</li>
 *   <li><b>The dead producer's open transaction is aborted.</b> It wrote to repartition, changelog and output
 *       partitions that other instances read under {@code read_committed}, so their last stable offset stays behind
 *       it, and the new owner's offset fetch (KIP-447, {@code require_stable}) waits on its pending offsets. Under
 *       exactly_once_v2 the transactional id belongs to the dead process, so nothing fences it: the transaction
 *       coordinator aborts it once it is older than the producer's {@code transaction.timeout.ms} (10 s in Kafka
 *       Streams), on a scan every {@code transaction.abort.timed.out.transaction.cleanup.interval.ms} (10 s by
 *       default). That is 10 to 20 s after the kill with the defaults, which is what the failover scenarios measured
 *       before these settings, standby or not.</li>
 * </ul>
 */
public final class FailoverSettings {

    /**
     * How long the group waits for a heartbeat before it drops an instance. A JVM pause longer than this costs a
     * rebalance (the member rejoins); the consumer heartbeats from its own thread, so processing time does not count.
     */
    public static final Duration SESSION_TIMEOUT = Duration.ofMillis(3_000);
    /**
     * A sixth of the session timeout: a lost heartbeat or two does not end the session, and the surviving instances
     * learn of a rebalance within half a second.
     */
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);
    /**
     * How long a transaction may stay open before the coordinator aborts it. Kafka Streams refuses one below
     * {@code commit.interval.ms} (100 ms under exactly-once); 3 s is thirty commit intervals, far more than a poll's
     * processing takes (one punctuation drains at most 1,000 tasks). A transaction held past it, by a machine or a
     * broker stalled that long, is aborted and its producer fenced, which costs a rebalance.
     */
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofMillis(3_000);
    /** How often the transaction coordinator looks for transactions past their timeout. */
    public static final Duration ABORT_SCAN_INTERVAL = Duration.ofMillis(500);

    private FailoverSettings() {
    }

    /** Broker settings (every broker; read at start). */
    public static Map<String, String> broker() {
        return Map.of(
                "group.min.session.timeout.ms", millis(SESSION_TIMEOUT),
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", millis(ABORT_SCAN_INTERVAL));
    }

    /** Service settings ({@code kafka.*} keys go to Kafka Streams and its clients). */
    public static Map<String, String> service() {
        return Map.of(
                "kafka.session.timeout.ms", millis(SESSION_TIMEOUT),
                "kafka.heartbeat.interval.ms", millis(HEARTBEAT_INTERVAL),
                "kafka.producer.transaction.timeout.ms", millis(TRANSACTION_TIMEOUT));
    }

    private static String millis(Duration duration) {
        return Long.toString(duration.toMillis());
    }
}
