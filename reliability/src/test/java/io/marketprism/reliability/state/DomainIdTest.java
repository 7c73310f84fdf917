package io.marketprism.reliability.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DomainIdTest {

    @Test
    void shouldNameADomainExchangeGroupRoute() {
        DomainId domain = DomainId.of("binance", "spot", "direct");

        assertThat(domain.name()).isEqualTo("binance.spot.direct");
        assertThat(domain.group()).isEqualTo("spot");
        assertThat(DomainId.of("okx", "funding-rate", "proxy-eu_1").group()).isEqualTo("funding-rate");
    }

    @Test
    void shouldNameAPerInstrumentDomainAfterItsGroupsDomain() {
        DomainId domain = DomainId.ofInstrument("okx", "funding-rate", "direct", "BTC-USD-SWAP");

        assertThat(domain.name()).isEqualTo("okx.funding-rate.direct/BTC-USD-SWAP");
        assertThat(domain.instrument()).isEqualTo("BTC-USD-SWAP");
        assertThat(domain.groupDomain()).isEqualTo(DomainId.of("okx", "funding-rate", "direct"));
        assertThat(domain.route()).isEqualTo("direct");
        assertThat(DomainId.of("okx", "funding-rate", "direct").instrument()).isNull();
        assertThatThrownBy(() -> DomainId.ofInstrument("okx", "funding-rate", "direct", ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"binance", "binance.spot", "binance..direct", ".spot.direct", "binance.spot.", "..",
            "a.."})
    void shouldFindNoGroupInANameOfAnotherForm(String name) {
        assertThat(new DomainId(name).group()).isNull();
    }

    @Test
    void shouldRefuseAnEmptyName() {
        assertThatThrownBy(() -> new DomainId("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DomainId(null)).isInstanceOf(NullPointerException.class);
    }
}
