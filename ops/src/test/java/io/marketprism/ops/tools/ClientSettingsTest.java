package io.marketprism.ops.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientSettingsTest {

    @Test
    void shouldMaskValuesOfPasswordSecretAndJaasKeysButShowTheRest() {
        // Given
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", "PLAIN");
        settings.put("sasl.jaas.config", "PlainLoginModule required username=\"u\" password=\"hunter2\";");
        settings.put("ssl.truststore.password", "changeit");
        settings.put("SSL.KEY.PASSWORD", "keypass");
        settings.put("client.secret", "s3cr3t");

        // When
        String described = ClientSettings.describe(settings);

        // Then
        assertThat(described).doesNotContain("hunter2", "changeit", "keypass", "s3cr3t")
                .contains("security.protocol=SASL_SSL", "sasl.mechanism=PLAIN", "sasl.jaas.config=****",
                        "ssl.truststore.password=****", "SSL.KEY.PASSWORD=****", "client.secret=****");
    }

    @Test
    void shouldNotTreatOrdinaryKeysAsSecret() {
        assertThat(ClientSettings.isSecret("ssl.truststore.location")).isFalse();
        assertThat(ClientSettings.isSecret("sasl.mechanism")).isFalse();
        assertThat(ClientSettings.isSecret("sasl.jaas.config")).isTrue();
    }
}
