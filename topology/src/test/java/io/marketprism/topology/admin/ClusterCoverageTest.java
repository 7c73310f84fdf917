package io.marketprism.topology.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.topology.admin.ClusterCoverage.Member;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/**
 * Who a cluster-wide listing asks and what it lacks, from metadata shaped as Kafka Streams files it: one entry per
 * advertised address, the last instance to advertise an address replacing the partitions of the others.
 */
class ClusterCoverageTest {

    private static final String DOMAINS = "app-by-domain-repartition";
    private static final HostInfo A = new HostInfo("10.0.0.1", 8080);
    private static final HostInfo B = new HostInfo("10.0.0.2", 8080);
    private static final HostInfo LOOPBACK = new HostInfo("127.0.0.1", 8080);

    @Test
    void shouldAskEveryOtherAddressAndReportNothingWhenAllAnswer() {
        ClusterCoverage coverage = new ClusterCoverage(A, partitions(0, 2, 4),
                List.of(new Member(A, partitions(0, 2, 4)), new Member(B, partitions(1, 3, 5))), DOMAINS, 6);

        assertThat(coverage.peers()).extracting(Member::host).containsExactly(B);
        assertThat(coverage.sharedAddresses()).isEmpty();
        assertThat(coverage.problems(coverage.peers())).isEmpty();
        assertThat(coverage.holdsDomainPartition(2)).isTrue();
        assertThat(coverage.holdsDomainPartition(3)).isFalse();
    }

    @Test
    void shouldNameThePartitionsOfAnInstanceThatDidNotAnswer() {
        ClusterCoverage coverage = new ClusterCoverage(A, partitions(0, 2, 4),
                List.of(new Member(A, partitions(0, 2, 4)), new Member(B, partitions(1, 3, 5))), DOMAINS, 6);

        assertThat(coverage.problems(List.of())).singleElement().asString()
                .startsWith("no answer covers partitions [1, 3, 5] of " + DOMAINS);
    }

    @Test
    void shouldNotTakeTheEntryAtItsAddressForItselfWhenAnotherInstanceAdvertisesTheSameAddress() {
        // Given two instances both advertising 127.0.0.1:8080: the metadata lists only the other one's partitions
        ClusterCoverage coverage = new ClusterCoverage(LOOPBACK, partitions(0, 2, 4),
                List.of(new Member(LOOPBACK, partitions(1, 3, 5))), DOMAINS, 6);

        // Then it does not claim the other's partitions, and says why the listing lacks them
        assertThat(coverage.peers()).isEmpty();
        assertThat(coverage.sharedAddresses()).containsExactly("127.0.0.1:8080");
        assertThat(coverage.holdsDomainPartition(1)).isFalse();
        assertThat(coverage.problems(List.of()))
                .anySatisfy(problem -> assertThat(problem).contains("another instance advertises this instance's "
                        + "address 127.0.0.1:8080"))
                .anySatisfy(problem -> assertThat(problem).startsWith("no answer covers partitions [1, 3, 5]"));
    }

    @Test
    void shouldReportTheMissingPartitionsOnTheInstanceWhosePartitionsTheMetadataKept() {
        // Given the same two instances, seen from the one whose partitions the metadata kept
        ClusterCoverage coverage = new ClusterCoverage(LOOPBACK, partitions(1, 3, 5),
                List.of(new Member(LOOPBACK, partitions(1, 3, 5))), DOMAINS, 6);

        // Then the other's partitions are missing from its listing, and it says so
        assertThat(coverage.sharedAddresses()).isEmpty();
        assertThat(coverage.problems(List.of())).singleElement().asString()
                .startsWith("no answer covers partitions [0, 2, 4] of " + DOMAINS);
    }

    @Test
    void shouldCountOnlyPartitionsOfTheDomainTopic() {
        Set<TopicPartition> inputOnly = Set.of(new TopicPartition("collector.tasks", 0),
                new TopicPartition("collector.tasks", 1));
        ClusterCoverage coverage = new ClusterCoverage(A, inputOnly, List.of(new Member(A, inputOnly)), DOMAINS, 2);

        assertThat(coverage.problems(List.of())).singleElement().asString().startsWith("no answer covers partitions [0, 1]");
    }

    private static Set<TopicPartition> partitions(Integer... numbers) {
        return Arrays.stream(numbers).map(n -> new TopicPartition(DOMAINS, n)).collect(Collectors.toSet());
    }
}
