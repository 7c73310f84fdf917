package io.marketprism.reliability.state;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class DomainIdPropertiesTest {

    @Property
    void shouldGiveBackTheGroupOfEveryNameItMade(@ForAll("names") String exchange, @ForAll("names") String group,
                                                 @ForAll("names") String route) {
        assertThat(DomainId.of(exchange, group, route).group()).isEqualTo(group);
    }

    @Property
    void shouldGiveBackEveryPartOfAPerInstrumentNameWhateverTheInstrument(@ForAll("names") String exchange,
            @ForAll("names") String group, @ForAll("names") String route, @ForAll("instruments") String instrument) {
        DomainId domain = DomainId.ofInstrument(exchange, group, route, instrument);

        assertThat(domain.instrument()).isEqualTo(instrument);
        assertThat(domain.groupDomain()).isEqualTo(DomainId.of(exchange, group, route));
        assertThat(domain.group()).isEqualTo(group);
        assertThat(domain.route()).isEqualTo(route);
    }

    /** Symbols as exchanges write them, with dots and slashes too. */
    @Provide
    Arbitrary<String> instruments() {
        return Arbitraries.strings().withCharRange('A', 'Z').withCharRange('0', '9').withChars('-', '.', '/', '_')
                .ofMinLength(1).ofMaxLength(20);
    }

    /** Names as definitions allow them for exchanges, limit groups and routes. */
    @Provide
    Arbitrary<String> names() {
        Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('0', '9');
        Arbitrary<String> rest = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                .withChars('-', '_').ofMaxLength(12);
        return first.flatMap(c -> rest.map(tail -> c + tail));
    }
}
