package io.marketprism.reliability.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class ErrorRulesPropertiesTest {

    @Property
    void errorCodeNeverThrowsAndAlwaysNamesTheErrorOfANon2xx(@ForAll("rules") ErrorRules rules,
                                                              @ForAll("bodies") String body,
                                                              @ForAll @IntRange(min = 100, max = 599) int status) {
        String code = rules.errorCode(status, body);

        if (status < 200 || status >= 300) {
            assertThat(code).isNotNull();
        }
    }

    @Provide
    Arbitrary<ErrorRules> rules() {
        return Arbitraries.of(ExchangeDefinitions.builtIn().all().values()).map(ExchangeDefinition::errors);
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> anyText = Arbitraries.strings().ofMaxLength(80);
        Arbitrary<String> jsonish = Arbitraries.strings().withChars("{}[]\":,0123456789-abcode/ \\nulltrue")
                .ofMaxLength(60);
        Arbitrary<String> prefixed = jsonish.map(tail -> "{\"code\":" + tail);
        Arbitrary<String> nested = jsonish.map(tail -> "{\"error\":{\"code\":" + tail);
        return Arbitraries.oneOf(anyText, jsonish, prefixed, nested, Arbitraries.just(null));
    }
}
