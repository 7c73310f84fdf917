package io.marketprism.ops.exchange;

import java.util.List;
import java.util.Optional;

/**
 * One documented REST endpoint of a strict venue.
 *
 * @param path                the REST path, e.g. {@code /fapi/v1/depth}
 * @param data                the market data it serves; empty for the health check
 * @param instrumentParameter the parameter naming the instrument ({@code symbol}, {@code instId}, ...), if any
 * @param parameters          the rules its query must follow
 * @param charges             what each request takes from the venue's limit groups (possibly several)
 */
record VenueEndpoint(String path, Optional<MarketData> data, Optional<String> instrumentParameter,
                     List<ParameterRule> parameters, List<Charge> charges) {

    VenueEndpoint {
        parameters = List.copyOf(parameters);
        charges = List.copyOf(charges);
    }

    static VenueEndpoint marketData(String path, MarketData data, String instrumentParameter,
                                    List<ParameterRule> parameters, Charge... charges) {
        return new VenueEndpoint(path, Optional.of(data), Optional.of(instrumentParameter), parameters,
                List.of(charges));
    }

    static VenueEndpoint health(String path, Charge... charges) {
        return new VenueEndpoint(path, Optional.empty(), Optional.empty(), List.of(), List.of(charges));
    }
}
