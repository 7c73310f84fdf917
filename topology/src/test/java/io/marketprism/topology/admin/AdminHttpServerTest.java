package io.marketprism.topology.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.topology.config.ServiceConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Properties;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The address an instance advertises to the others, which they take for it and only it. */
class AdminHttpServerTest {

    private AdminHttpServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldAdvertiseThisMachinesAddressNotTheWildcardWhenBoundToEveryInterface() throws Exception {
        HostInfo advertised = start("http.host", "0.0.0.0");

        assertThat(advertised.host()).isNotEqualTo("0.0.0.0")
                .isEqualTo(InetAddress.getLocalHost().getHostAddress());
        assertThat(advertised.port()).isEqualTo(server.address().getPort());
    }

    @Test
    void shouldAdvertiseTheBoundHostAndPort() {
        HostInfo advertised = start("http.host", "127.0.0.1");

        assertThat(advertised).isEqualTo(new HostInfo("127.0.0.1", server.address().getPort()));
    }

    @Test
    void shouldAdvertiseApplicationServerWhenSet() {
        HostInfo advertised = start("http.host", "0.0.0.0", "application.server", "10.1.2.3:18080");

        assertThat(advertised).isEqualTo(new HostInfo("10.1.2.3", 18080));
    }

    private HostInfo start(String... keysAndValues) {
        Properties props = new Properties();
        props.setProperty("http.port", "0");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        server = new AdminHttpServer(ServiceConfig.fromProperties(props),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new AdminMailbox(), Clock.systemUTC());
        return server.start();
    }
}
