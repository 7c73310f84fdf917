package io.marketprism.topology.processor;

import io.marketprism.topology.exchange.EgressRoute;
import io.marketprism.topology.exchange.ExchangeRoutes;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Which partition decides a host set on an egress route, by the task's deciding key
 * ({@link ExchangeRoutes#partitionKeyOf}: {@code binance-spot} on the first route, {@code binance-spot@proxy1} on
 * another). The host set's first route takes the partition its name takes under the producer's default partitioner
 * for a keyed record (murmur2 of the key's UTF-8 bytes, made positive, modulo the partition count), so a record keyed
 * by its host set on a topic of that many partitions already sits on its deciding partition and skips the repartition
 * topic. The route at position {@code i} of {@code routes} takes the partition {@code i} further on (modulo the
 * count): the routes of one host set are decided on distinct partitions, as many as there are routes up to the
 * partition count, so a host set with several routes keeps several partitions, and instances, busy. A key naming
 * no configured route is decided where its host set's first route is. Host set and route names are
 * {@code [a-z0-9][a-z0-9_-]*}, so the {@code '@'} of a key is unambiguous.
 *
 * <p>The count is fixed here, not taken from the caller: interactive queries of the reliability stores pass the
 * largest partition count of the step's source topics, which is larger when the tasks topic has more partitions.
 */
public final class DecidingPartitioner {

    private final int partitions;
    private final Map<String, Integer> positionOfRoute = new HashMap<>();

    /**
     * @param partitions the by-host-set topic's partition count, {@code topic.partitions}
     * @param routes     the egress routes in their configured order ({@code routes})
     */
    public DecidingPartitioner(int partitions, List<EgressRoute> routes) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
        this.partitions = partitions;
        for (int i = 0; i < routes.size(); i++) {
            positionOfRoute.put(routes.get(i).name(), i);
        }
    }

    /** The partitioner of {@code routes} at {@code partitions}. */
    public static DecidingPartitioner of(int partitions, ExchangeRoutes routes) {
        return new DecidingPartitioner(partitions, routes.routes());
    }

    /** The partition whose reliability step decides the tasks keyed {@code decidingKey}. */
    public int partitionOf(String decidingKey) {
        int at = decidingKey.lastIndexOf(ExchangeRoutes.ROUTE_SEPARATOR);
        return at < 0 ? partitionAt(decidingKey, 0) : partitionOf(decidingKey.substring(0, at),
                decidingKey.substring(at + 1));
    }

    /** The partition deciding {@code hostSet} on the route named {@code route}. */
    public int partitionOf(String hostSet, String route) {
        return partitionAt(hostSet, positionOfRoute.getOrDefault(route, 0));
    }

    /** The routes of {@code hostSet} decided on {@code partition}, in route order. */
    public List<String> routesOn(int partition, String hostSet) {
        return positionOfRoute.entrySet().stream().filter(route -> partitionAt(hostSet, route.getValue()) == partition)
                .sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).toList();
    }

    private int partitionAt(String hostSet, int routePosition) {
        int first = Utils.toPositive(Utils.murmur2(hostSet.getBytes(StandardCharsets.UTF_8))) % partitions;
        return (first + routePosition) % partitions;
    }

    /**
     * This partitioner for records of any value keyed by their deciding key: the repartition topic, the retry topic
     * and interactive queries of the reliability stores. A topic with fewer partitions than the deciding one's number
     * (a retry topic created by hand with fewer than {@code topic.partitions}) gets no partition from it: Kafka Streams
     * then leaves the record to the producer's default partitioning (an empty {@code Optional}, see
     * {@link StreamPartitioner#partitions}), and decode sends it on to its deciding partition.
     */
    public <V> StreamPartitioner<String, V> forRecords() {
        return (topic, decidingKey, value, numPartitions) -> {
            int partition = partitionOf(decidingKey);
            return partition < numPartitions ? Optional.of(Set.of(partition)) : Optional.empty();
        };
    }
}
