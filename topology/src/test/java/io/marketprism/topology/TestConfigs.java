package io.marketprism.topology;

import io.marketprism.topology.config.ServiceConfig;

/** Configurations shared by the topology tests. */
final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * Binance with endpoints api and api1, OKX with www (unreachable URLs: a fake executor answers), two call slots
     * per endpoint, round robin, retries after a fixed second.
     */
    static ServiceConfig.Builder twoExchanges() {
        return ServiceConfig.builder()
                .exchanges(java.util.List.of("binance", "okx"))
                .exchange("binance-spot", "api=http://127.0.0.1:1/binance/api,api1=http://127.0.0.1:1/binance/api1")
                .exchange("okx", "www=http://127.0.0.1:1/okx/www")
                .maxInFlightPerEndpoint(2)
                .reliability("retry.strategy", "FIXED")
                .reliability("retry.jitter", "NONE")
                .reliability("retry.base.delay.ms", "1000")
                .reliability("balancer.strategy", "ROUND_ROBIN");
    }
}
