package io.marketprism.topology.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.topology.exchange.EgressRoute;
import io.marketprism.topology.exchange.ExchangeRoutes;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class DecidingPartitionerTest {

    /** Host set and route names as definitions and configuration allow them: {@code [a-z0-9][a-z0-9_-]*}. */
    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('_', '-')
                .ofMinLength(1).ofMaxLength(30);
    }

    private static List<EgressRoute> routes(int count) {
        return IntStream.range(0, count).mapToObj(i -> new EgressRoute(i == 0 ? EgressRoute.DIRECT : "proxy" + i,
                null, Map.of())).toList();
    }

    private static String keyOf(String hostSet, EgressRoute route, List<EgressRoute> routes) {
        return route == routes.get(0) ? hostSet : hostSet + ExchangeRoutes.ROUTE_SEPARATOR + route.name();
    }

    /**
     * What lets a retry, or a task its producer keyed by host set, skip the repartition topic in a one-route service:
     * the producer's own partitioner puts it on the partition that decides its host set on the first route.
     */
    @Property
    void shouldPlaceAHostSetsFirstRouteWhereTheProducersDefaultPartitionerPutsARecordKeyedByTheHostSet(
            @ForAll("names") String hostSet,
            @ForAll @IntRange(min = 1, max = 1_000) int partitions, @ForAll @IntRange(min = 1, max = 8) int routes) {
        int producers = BuiltInPartitioner.partitionForKey(hostSet.getBytes(StandardCharsets.UTF_8), partitions);

        assertThat(new DecidingPartitioner(partitions, routes(routes)).partitionOf(hostSet)).isEqualTo(producers);
    }

    /** The point of deciding routes apart: a host set with R routes keeps min(R, partitions) partitions busy. */
    @Property
    void shouldDecideTheRoutesOfOneHostSetOnAsManyDistinctPartitionsAsThereAreRoutesUpToThePartitionCount(
            @ForAll("names") String hostSet,
            @ForAll @IntRange(min = 1, max = 64) int partitions, @ForAll @IntRange(min = 1, max = 16) int routeCount) {
        List<EgressRoute> routes = routes(routeCount);
        DecidingPartitioner partitioner = new DecidingPartitioner(partitions, routes);

        Set<Integer> used = new HashSet<>();
        for (EgressRoute route : routes) {
            int partition = partitioner.partitionOf(keyOf(hostSet, route, routes));
            assertThat(partition).isBetween(0, partitions - 1);
            used.add(partition);
        }

        assertThat(used).hasSize(Math.min(routeCount, partitions));
    }

    /**
     * Stable: the partition depends on the host set, the route's position and the count only, so every instance and
     * every release with this formula decides a route where the others do. The figures pin the formula: a change
     * moves state between partitions and needs a full stop to deploy (docs/deployment.md).
     */
    @Test
    void shouldDecideAHostSetsRoutesOnConsecutivePartitionsFromWhereItsNameHashes() {
        List<EgressRoute> routes = routes(4);
        DecidingPartitioner partitioner = new DecidingPartitioner(6, routes);
        int first = BuiltInPartitioner.partitionForKey("binance-spot".getBytes(StandardCharsets.UTF_8), 6);

        assertThat(routes.stream().map(route -> partitioner.partitionOf(keyOf("binance-spot", route, routes))))
                .containsExactly(first, (first + 1) % 6, (first + 2) % 6, (first + 3) % 6);
        assertThat(new DecidingPartitioner(6, routes).partitionOf("binance-spot@proxy2"))
                .isEqualTo(partitioner.partitionOf("binance-spot@proxy2"));
    }

    /** A key of a route this configuration lacks (a retry written before a route was removed) still has a home. */
    @Property
    void shouldDecideAKeyOfAnUnknownRouteWhereItsHostSetsFirstRouteIsDecided(
            @ForAll("names") String hostSet, @ForAll @IntRange(min = 1, max = 64) int partitions) {
        DecidingPartitioner partitioner = new DecidingPartitioner(partitions, routes(3));

        assertThat(partitioner.partitionOf(hostSet + "@removed")).isEqualTo(partitioner.partitionOf(hostSet));
    }

    /** Interactive queries pass the largest partition count of the step's source topics, at least its own. */
    @Property
    void shouldDecideByItsOwnPartitionCountWhateverLargerCountTheCallerPasses(
            @ForAll("names") String key, @ForAll @IntRange(min = 6, max = 1_000) int callersCount) {
        DecidingPartitioner partitioner = new DecidingPartitioner(6, routes(2));

        assertThat(partitioner.<byte[]>forRecords().partitions("any", key, null, callersCount))
                .contains(Set.of(partitioner.partitionOf(key)));
    }

    /** A retry topic made by hand with fewer partitions must not get a partition it lacks: the record would fail. */
    @Property
    void shouldLeaveARecordToTheDefaultPartitioningOnATopicWithoutItsDecidingPartition(
            @ForAll("names") String key, @ForAll @IntRange(min = 1, max = 5) int topicPartitions) {
        DecidingPartitioner partitioner = new DecidingPartitioner(6, routes(4));
        int deciding = partitioner.partitionOf(key + "@proxy3");

        assertThat(partitioner.<byte[]>forRecords().partitions("retry", key + "@proxy3", null, topicPartitions))
                .isEqualTo(deciding < topicPartitions ? Optional.of(Set.of(deciding)) : Optional.empty());
    }

    @Test
    void shouldRefuseAPartitionCountBelowOne() {
        assertThatThrownBy(() -> new DecidingPartitioner(0, routes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
