package io.marketprism.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

    @Test
    void shouldRenderEachListingAsAnAlignedTableAndNameSilentInstances() throws Exception {
        // Given the admin API's three listings, one instance not answering the breakers call
        String json = """
                {"breakers": {"items": [
                   {"instance": "10.0.0.1:8080", "exchange": "binance", "endpoint": "api1", "state": "OPEN",
                    "failureRate": 62.5, "slowCallRate": -1, "bufferedCalls": 40, "openingsInARow": 1,
                    "since": 1700000000000}],
                  "unreachable": ["10.0.0.2:8080"],
                  "problems": ["no answer covers partitions [1] of d"]},
                 "queues": {"items": [{"instance": "10.0.0.1:8080", "domain": "binance",
                    "depthByPriority": {"CRITICAL": 0, "HIGH": 3, "NORMAL": 12, "LOW": 40}, "total": 55}],
                  "unreachable": []},
                 "bans": {"items": [], "unreachable": []}}
                """;

        // When rendered
        String text = StatusCommand.render(new ObjectMapper().readTree(json));

        // Then every section has its header and rows, and empty ones say so
        assertThat(text).contains("Breakers\n  EXCHANGE  ENDPOINT  STATE  FAILURE%  SLOW%  CALLS");
        assertThat(text).containsPattern("binance +api1 +OPEN +62\\.5 +- +40 +2023-11-14T22:13:20Z +10\\.0\\.0\\.1:8080");
        assertThat(text).contains("(no answer from 10.0.0.2:8080)");
        assertThat(text).contains("(incomplete: no answer covers partitions [1] of d)");
        assertThat(text).containsPattern("binance +0 +3 +12 +40 +55");
        assertThat(text).contains("Bans: none");
    }
}
