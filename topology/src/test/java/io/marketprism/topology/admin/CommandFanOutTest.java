package io.marketprism.topology.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.processor.DecidingPartitioner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which partitions an admin command is applied on, now that each route of a host set is decided on its own. */
class CommandFanOutTest {

    private static final ServiceConfig FOUR_ROUTES = ServiceConfig.builder()
            .exchanges(List.of("binance"))
            .routes(List.of("direct", "proxy-a", "proxy-b", "proxy-c"))
            .topicPartitions(6)
            .build();

    private static int partitionOf(String key) {
        return DecidingPartitioner.of(6, FOUR_ROUTES.routes()).partitionOf(key);
    }

    @Test
    void shouldApplyABreakerCommandOnEveryPartitionDecidingOneOfTheHostSetsRoutes() {
        AdminCommand forceOpen = AdminCommand.of(AdminCommand.Action.FORCE_OPEN, "binance-spot", "api1");

        Map<Integer, String> targets = ClusterQueries.partitionsHoldingStateOf(forceOpen, FOUR_ROUTES);

        assertThat(targets.values()).containsExactlyInAnyOrder("binance-spot", "binance-spot@proxy-a",
                "binance-spot@proxy-b", "binance-spot@proxy-c");
        targets.forEach((partition, key) -> assertThat(partitionOf(key)).isEqualTo(partition));
    }

    @Test
    void shouldLiftABanOnThePartitionDecidingTheDomainsRouteAlone() {
        AdminCommand lift = AdminCommand.of(AdminCommand.Action.LIFT_BAN, "binance.spot.proxy-b", null);

        assertThat(ClusterQueries.partitionsHoldingStateOf(lift, FOUR_ROUTES))
                .containsExactly(Map.entry(partitionOf("binance-spot@proxy-b"), "binance-spot@proxy-b"));
    }

    @Test
    void shouldApplyABreakerCommandOnceOnAPartitionDecidingSeveralRoutesWhenRoutesOutnumberPartitions() {
        ServiceConfig twoPartitions = ServiceConfig.builder().exchanges(List.of("binance"))
                .routes(List.of("direct", "proxy-a", "proxy-b", "proxy-c")).topicPartitions(2).build();

        assertThat(ClusterQueries.partitionsHoldingStateOf(
                AdminCommand.of(AdminCommand.Action.RESET, "binance-spot", "api1"), twoPartitions))
                .containsOnlyKeys(0, 1);
    }
}
