package io.marketprism.topology.processor;

import io.marketprism.topology.exchange.ExchangeRoutes;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Which partition decides a host set: the one its key ({@link ExchangeRoutes#partitionKeyOf}) takes among the
 * {@code topic.partitions} partitions of the by-host-set topic. The formula is the producer's default partitioner for
 * a keyed record (murmur2 of the key's UTF-8 bytes, made positive, modulo the partition count), so a record keyed
 * by its host set on any topic of that many partitions (the retry topic, a tasks topic whose producers key as
 * recommended) already sits on its deciding partition, and the decode step hands it to the reliability step of the
 * same task instead of through the repartition topic.
 *
 * <p>The count is fixed here, not taken from the caller: interactive queries of the reliability stores pass the
 * largest partition count of the step's source topics, which is larger when the tasks topic has more partitions.
 */
public final class HostSetPartitioner implements StreamPartitioner<String, byte[]> {

    private final int partitions;

    /** @param partitions the by-host-set topic's partition count, {@code topic.partitions} */
    public HostSetPartitioner(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
        this.partitions = partitions;
    }

    /** The partition whose reliability step decides the host set keyed {@code hostSetKey}. */
    public int partitionOf(String hostSetKey) {
        return Utils.toPositive(Utils.murmur2(hostSetKey.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String hostSetKey, byte[] task, int numPartitions) {
        return Optional.of(Set.of(partitionOf(hostSetKey)));
    }
}
