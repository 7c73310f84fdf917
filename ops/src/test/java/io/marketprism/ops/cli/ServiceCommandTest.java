package io.marketprism.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.topology.config.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServiceCommandTest {

    @Test
    void shouldNameTheFileAConfigurationErrorCameFrom(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("service.properties");
        Files.writeString(file, "topic.partitons=3\n");
        ServiceCommand command = parse("--config", file.toString());

        assertThatThrownBy(() -> ServiceConfig.fromProperties(command.properties(), command::originOf))
                .hasMessage(file + ": unknown configuration key 'topic.partitons'; did you mean topic.partitions?");
    }

    @Test
    void shouldNameTheOptionAConfigurationErrorCameFrom(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("service.properties");
        Files.writeString(file, "topic.partitions=3\n");
        ServiceCommand command = parse("--config", file.toString(), "--set", "http.port=99999");

        assertThatThrownBy(() -> ServiceConfig.fromProperties(command.properties(), command::originOf))
                .hasMessage("--set: http.port must be in [0, 65535], was 99999");
    }

    @Test
    void shouldAcceptTheConfigurationTheComposeStackShips() throws Exception {
        ServiceCommand command = parse("--config", Path.of("docker", "service.properties").toString());

        ServiceConfig config = ServiceConfig.fromProperties(command.properties(), command::originOf);

        assertThat(config.bootstrapServers()).isEqualTo("kafka:19092");
        assertThat(config.exchanges()).containsExactly("binance-spot", "binance-usdm", "binance-coinm", "bybit",
                "deribit", "okx");
        config.endpointsByExchange().forEach((hostSet, endpoints) -> assertThat(endpoints)
                .allSatisfy(endpoint -> assertThat(endpoint.baseUrl())
                        .hasToString("http://simulated-exchange:8090/" + hostSet + "/direct")));
    }

    private static ServiceCommand parse(String... args) {
        ServiceCommand command = new ServiceCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }
}
