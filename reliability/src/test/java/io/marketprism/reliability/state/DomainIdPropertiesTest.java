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

    /** Names as definitions allow them for exchanges, limit groups and routes. */
    @Provide
    Arbitrary<String> names() {
        Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('0', '9');
        Arbitrary<String> rest = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                .withChars('-', '_').ofMaxLength(12);
        return first.flatMap(c -> rest.map(tail -> c + tail));
    }
}
