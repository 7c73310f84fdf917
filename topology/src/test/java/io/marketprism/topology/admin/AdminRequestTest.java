package io.marketprism.topology.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.topology.config.ServiceConfig;
import org.junit.jupiter.api.Test;

class AdminRequestTest {

    @Test
    void shouldParseListingsOnlyForGet() {
        assertThat(AdminRequest.parse("GET", "/admin/breakers").listing()).isEqualTo(ClusterQueries.Listing.BREAKERS);
        assertThat(AdminRequest.parse("GET", "/admin/queues/").listing()).isEqualTo(ClusterQueries.Listing.QUEUES);
        assertThat(AdminRequest.parse("POST", "/admin/breakers")).isNull();
        assertThat(AdminRequest.parse("GET", "/admin/nothing")).isNull();
    }

    @Test
    void shouldParseBreakerAndBanCommandsOnlyForPost() {
        AdminCommand forceOpen = AdminRequest.parse("POST", "/admin/breakers/binance-spot/api1/force-open").command();
        assertThat(forceOpen.action()).isEqualTo(AdminCommand.Action.FORCE_OPEN);
        assertThat(forceOpen.domain()).isEqualTo("binance-spot");
        assertThat(forceOpen.endpoint()).isEqualTo("api1");
        assertThat(AdminRequest.parse("POST", "/admin/breakers/binance-spot/api1/reset").command().action())
                .isEqualTo(AdminCommand.Action.RESET);
        AdminCommand lift = AdminRequest.parse("POST", "/admin/bans/okx.books.direct/lift").command();
        assertThat(lift.action()).isEqualTo(AdminCommand.Action.LIFT_BAN);
        assertThat(lift.domain()).isEqualTo("okx.books.direct");
        assertThat(lift.endpoint()).isNull();
        assertThat(AdminRequest.parse("GET", "/admin/bans/okx.books.direct/lift")).isNull();
        assertThat(AdminRequest.parse("POST", "/admin/breakers/binance-spot/api1/explode")).isNull();
    }

    @Test
    void shouldNameAnUnknownHostSetOrEndpoint() {
        ServiceConfig config = ServiceConfig.ofDefaults();
        assertThat(AdminRequest.parse("POST", "/admin/breakers/kraken/api/close").unknownTarget(config))
                .contains("unknown exchange 'kraken'").contains("binance-spot", "binance-usdm", "okx");
        assertThat(AdminRequest.parse("POST", "/admin/breakers/binance/api1/close").unknownTarget(config))
                .as("an exchange is not a host set").contains("unknown exchange 'binance'");
        assertThat(AdminRequest.parse("POST", "/admin/breakers/binance-spot/api9/close").unknownTarget(config))
                .contains("no endpoint 'api9'");
        assertThat(AdminRequest.parse("POST", "/admin/breakers/binance-spot/api1/close").unknownTarget(config))
                .isNull();
        assertThat(AdminRequest.parse("POST", "/admin/breakers/binance-usdm/fapi/close").unknownTarget(config))
                .isNull();
    }

    @Test
    void shouldNameAnUnknownLimitDomainListingTheKnownOnes() {
        ServiceConfig config = ServiceConfig.ofDefaults();
        assertThat(AdminRequest.parse("POST", "/admin/bans/binance.spot.direct/lift").unknownTarget(config)).isNull();
        assertThat(AdminRequest.parse("POST", "/admin/bans/okx.open-interest.direct/lift").unknownTarget(config))
                .isNull();
        assertThat(AdminRequest.parse("POST", "/admin/bans/binance/lift").unknownTarget(config))
                .contains("unknown limit domain 'binance'").contains("binance.spot.direct", "binance.usdm.direct");
        assertThat(AdminRequest.parse("POST", "/admin/bans/binance.spot.proxy-a/lift").unknownTarget(config))
                .as("a route that is not configured").contains("unknown limit domain 'binance.spot.proxy-a'");
    }
}
