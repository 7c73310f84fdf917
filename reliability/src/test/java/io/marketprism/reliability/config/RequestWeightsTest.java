package io.marketprism.reliability.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestWeightsTest {

    /** Binance spot's 24hr ticker: symbols 1-20 weigh 2, 21-100 weigh 40, 101 or more weigh 80. */
    private static final RequestWeights TICKER = RequestWeights.of(Map.of("TICKER", "count:symbols:20=2,100=40,*=80"));

    @ParameterizedTest(name = "{0} symbols weigh {1}")
    @CsvSource({"1, 2", "20, 2", "21, 40", "100, 40", "101, 80", "500, 80"})
    void shouldWeighBinanceTickersByTheTierOfTheirSymbolCount(int symbols, int weight) {
        assertThat(TICKER.weightOf("TICKER", Map.of("symbols", symbolList(symbols)))).isEqualTo(weight);
    }

    @Test
    void shouldCountTheItemsOfAJsonListOrAPlainOne() {
        assertThat(TICKER.weightOf("TICKER", Map.of("symbols", "BTCUSDT, ETHUSDT"))).isEqualTo(2);
        assertThat(TICKER.weightOf("TICKER", Map.of("symbols", String.join(",", Collections.nCopies(21, "X")))))
                .isEqualTo(40);
        assertThat(TICKER.weightOf("TICKER", Map.of("symbols", "[]"))).as("no item is the first tier").isEqualTo(2);
        assertThat(TICKER.weightOf("TICKER", Map.of())).as("missing: the first tier").isEqualTo(2);
    }

    @Test
    void shouldWeighTheShippedBinanceSpotTickerByItsTiers() {
        ExchangeProfile spot = ReliabilityConfig.ofDefaults().exchange("binance-spot");

        assertThat(spot.weightOf("TICKER", Map.of("symbol", "BTCUSDT"))).isEqualTo(2);
        assertThat(spot.weightOf("TICKER", Map.of("symbols", symbolList(21)))).isEqualTo(40);
        assertThat(spot.weightOf("TICKER", Map.of("symbols", symbolList(101)))).isEqualTo(80);
    }

    @Test
    void shouldKeepTheOtherFormsApartFromTheCountForm() {
        RequestWeights weights = RequestWeights.of(Map.of("TRADES", "25", "ORDER_BOOK", "limit:100=5,*=50",
                "TICKER", "each:symbols=2,min=4"));

        assertThat(weights.weightOf("trades", Map.of())).isEqualTo(25);
        assertThat(weights.weightOf("ORDER_BOOK", Map.of("limit", "3"))).as("the value, not its length").isEqualTo(5);
        assertThat(weights.weightOf("ORDER_BOOK", Map.of("limit", "101"))).isEqualTo(50);
        assertThat(weights.weightOf("TICKER", Map.of("symbols", "A,B,C"))).isEqualTo(6);
        assertThat(weights.weightOf("TICKER", Map.of("symbols", "A"))).isEqualTo(4);
        assertThat(weights.weightOf("KLINES", Map.of())).as("no rule").isEqualTo(1);
        assertThat(weights.specs()).containsEntry("TICKER", "each:symbols=2,min=4");
    }

    @Test
    void shouldRefuseACountRuleThatDoesNotParseNamingTheForms() {
        assertThatThrownBy(() -> RequestWeights.of(Map.of("TICKER", "count:symbols:20=2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("weight.ticker tiers must end with *=N, was '");
        assertThatThrownBy(() -> RequestWeights.of(Map.of("TICKER", "count:symbols:100=2,20=40,*=80")))
                .hasMessageStartingWith("weight.ticker tier bounds must increase, was '");
        assertThatThrownBy(() -> RequestWeights.of(Map.of("TICKER", "count:symbols:20=two,*=80")))
                .hasMessage("weight.ticker must be N, PARAM:BOUND=N,...,*=N, count:PARAM:BOUND=N,...,*=N or"
                        + " each:PARAM=N,min=N, was 'count:symbols:20=two,*=80'");
        assertThatThrownBy(() -> RequestWeights.of(Map.of("TICKER", "count:symbols:20=0,*=80")))
                .hasMessage("weight.ticker must be in [1, 1000000], was 0");
    }

    private static String symbolList(int count) {
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            list.append(i == 0 ? "" : ",").append("\"S").append(i).append("USDT\"");
        }
        return list.append(']').toString();
    }
}
