package io.marketprism.topology.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Which instances a cluster-wide admin listing asks, and what the listing then lacks, decided from Kafka Streams'
 * metadata without trusting an address alone.
 *
 * <p>Kafka Streams files every instance's partitions under the address it advertises ({@code application.server});
 * when two instances advertise the same one, the partitions of one replace the other's. So the entry at this
 * instance's address is this instance only when it lists exactly this instance's partitions; otherwise another
 * instance advertises the address too, and its state cannot be asked for. A listing covers the partitions of the
 * domain topic (the source of the reliability state) that this instance and the instances that answered hold; any
 * other partition is missing from it, and the listing says so.
 */
final class ClusterCoverage {

    /** One entry of Kafka Streams' metadata: an advertised address and the active partitions filed under it. */
    record Member(HostInfo host, Set<TopicPartition> partitions) {
        String address() {
            return host.host() + ":" + host.port();
        }
    }

    private final HostInfo self;
    private final Set<TopicPartition> own;
    private final List<Member> members;
    private final String domainTopic;
    private final int domainPartitions;

    /**
     * @param self             the address this instance advertises
     * @param own              the active partitions of this instance's stream threads
     * @param members          every entry of the metadata, this instance's included
     * @param domainTopic      the topic whose partitions hold the reliability state
     * @param domainPartitions its number of partitions
     */
    ClusterCoverage(HostInfo self, Set<TopicPartition> own, Collection<Member> members, String domainTopic,
                    int domainPartitions) {
        this.self = self;
        this.own = Set.copyOf(own);
        this.members = List.copyOf(members);
        this.domainTopic = domainTopic;
        this.domainPartitions = domainPartitions;
    }

    /** The instances to ask for their rows: every entry at another address than this instance's. */
    List<Member> peers() {
        return members.stream().filter(member -> !member.host().equals(self)).toList();
    }

    /**
     * The address of another instance that advertises this instance's address, if the metadata shows one: the entry
     * at this address lists partitions this instance does not hold, or lacks some it holds.
     */
    List<String> sharedAddresses() {
        return members.stream()
                .filter(member -> member.host().equals(self) && !member.partitions().equals(own))
                .map(Member::address).toList();
    }

    /** Whether this instance holds the active task of partition {@code partition} of the domain topic. */
    boolean holdsDomainPartition(int partition) {
        return own.contains(new TopicPartition(domainTopic, partition));
    }

    /**
     * What a listing made of this instance's rows and those of {@code answered} lacks, as sentences; empty when it
     * covers every partition of the domain topic and no other instance advertises this instance's address.
     */
    List<String> problems(Collection<Member> answered) {
        List<String> problems = new ArrayList<>();
        sharedAddresses().forEach(address -> problems.add("another instance advertises this instance's address "
                + address + " (application.server), so its state cannot be asked for; give every instance an "
                + "address of its own"));
        SortedSet<Integer> missing = new TreeSet<>();
        for (int partition = 0; partition < domainPartitions; partition++) {
            missing.add(partition);
        }
        own.forEach(partition -> forget(missing, partition));
        answered.forEach(member -> member.partitions().forEach(partition -> forget(missing, partition)));
        if (!missing.isEmpty()) {
            problems.add("no answer covers partitions " + missing + " of " + domainTopic + ": the instances owning "
                    + "them did not answer, share an address, or are being assigned them");
        }
        return problems;
    }

    private void forget(SortedSet<Integer> missing, TopicPartition partition) {
        if (partition.topic().equals(domainTopic)) {
            missing.remove(partition.partition());
        }
    }
}
