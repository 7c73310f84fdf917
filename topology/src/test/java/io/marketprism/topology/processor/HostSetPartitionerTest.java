package io.marketprism.topology.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class HostSetPartitionerTest {

    /**
     * What lets a retry, or a task its producer keyed by host set, skip the repartition topic: the producer's own
     * partitioner puts it on the partition that decides its host set.
     */
    @Property
    void shouldPlaceAHostSetWhereTheProducersDefaultPartitionerPutsARecordKeyedByIt(
            @ForAll String hostSetKey, @ForAll @IntRange(min = 1, max = 1_000) int partitions) {
        int producers = BuiltInPartitioner.partitionForKey(hostSetKey.getBytes(StandardCharsets.UTF_8), partitions);

        assertThat(new HostSetPartitioner(partitions).partitionOf(hostSetKey)).isEqualTo(producers);
    }

    @Property
    void shouldIgnoreThePartitionCountOfTheCallerWhichIsTheLargestSourceTopicsForInteractiveQueries(
            @ForAll String hostSetKey, @ForAll @IntRange(min = 1, max = 1_000) int callersCount) {
        HostSetPartitioner partitioner = new HostSetPartitioner(6);

        assertThat(partitioner.partitions("any", hostSetKey, null, callersCount))
                .contains(Set.of(partitioner.partitionOf(hostSetKey)));
    }

    @Test
    void shouldRefuseAPartitionCountBelowOne() {
        assertThatThrownBy(() -> new HostSetPartitioner(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
