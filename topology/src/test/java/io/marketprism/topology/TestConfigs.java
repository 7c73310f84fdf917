package io.marketprism.topology;

import io.marketprism.topology.config.ServiceConfig;
import java.util.List;

/** Configurations shared by the topology tests. */
final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * Binance with spot endpoints api and api1, OKX with www (unreachable URLs: a fake executor answers), two call
     * slots per endpoint, round robin, retries after a fixed second.
     */
    static ServiceConfig.Builder twoExchanges() {
        return binanceOnly()
                .exchanges(List.of("binance", "okx"))
                .exchange("okx", "www=http://127.0.0.1:1/okx/www");
    }

    /** As {@link #twoExchanges()}, Binance alone: what a deploy that drops OKX serves. */
    static ServiceConfig.Builder binanceOnly() {
        return ServiceConfig.builder()
                .exchanges(List.of("binance"))
                .exchange("binance-spot", "api=http://127.0.0.1:1/binance/api,api1=http://127.0.0.1:1/binance/api1")
                .maxInFlightPerEndpoint(2)
                .reliability("retry.strategy", "FIXED")
                .reliability("retry.jitter", "NONE")
                .reliability("retry.base.delay.ms", "1000")
                .reliability("balancer.strategy", "ROUND_ROBIN");
    }
}
