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
        AdminCommand forceOpen = AdminRequest.parse("POST", "/admin/breakers/binance/api1/force-open").command();
        assertThat(forceOpen.action()).isEqualTo(AdminCommand.Action.FORCE_OPEN);
        assertThat(forceOpen.domain()).isEqualTo("binance");
        assertThat(forceOpen.endpoint()).isEqualTo("api1");
        assertThat(AdminRequest.parse("POST", "/admin/breakers/binance/api1/reset").command().action())
                .isEqualTo(AdminCommand.Action.RESET);
        AdminCommand lift = AdminRequest.parse("POST", "/admin/bans/okx/lift").command();
        assertThat(lift.action()).isEqualTo(AdminCommand.Action.LIFT_BAN);
        assertThat(lift.endpoint()).isNull();
        assertThat(AdminRequest.parse("GET", "/admin/bans/okx/lift")).isNull();
        assertThat(AdminRequest.parse("POST", "/admin/breakers/binance/api1/explode")).isNull();
    }

    @Test
    void shouldNameAnUnknownExchangeOrEndpoint() {
        ServiceConfig config = ServiceConfig.ofDefaults();
        assertThat(AdminRequest.parse("POST", "/admin/breakers/kraken/api/close").unknownTarget(config))
                .contains("unknown exchange 'kraken'");
        assertThat(AdminRequest.parse("POST", "/admin/breakers/binance/api9/close").unknownTarget(config))
                .contains("no endpoint 'api9'");
        assertThat(AdminRequest.parse("POST", "/admin/breakers/binance/api1/close").unknownTarget(config)).isNull();
    }
}
