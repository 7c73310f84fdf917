package io.marketprism.reliability.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.exchange.DocumentedRequests.OptionalParam;
import io.marketprism.reliability.exchange.DocumentedRequests.Request;
import io.marketprism.reliability.exchange.DocumentedRequests.RequiredParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The documented-requests and documented-limits tables are well-formed, consistent and cross-referenced. */
class DocumentedRequestsTest {

    private final DocumentedRequests requests = DocumentedRequests.load();
    private final DocumentedLimits limits = DocumentedLimits.load();

    /** Each venue's own instrument naming, per market. */
    private static final Map<String, Pattern> SYMBOL_FORMS = Map.ofEntries(
            Map.entry("binance-spot spot", Pattern.compile("[A-Z0-9]+")),
            Map.entry("binance-usdm perp", Pattern.compile("[A-Z0-9]+USDT")),
            Map.entry("binance-coinm coin-perp", Pattern.compile("[A-Z0-9]+USD_PERP")),
            Map.entry("okx spot", Pattern.compile("[A-Z0-9]+-[A-Z0-9]+")),
            Map.entry("okx perp", Pattern.compile("[A-Z0-9]+-[A-Z0-9]+-SWAP")),
            Map.entry("okx futures", Pattern.compile("[A-Z0-9]+-[A-Z0-9]+-\\d{6}")),
            Map.entry("okx option", Pattern.compile("[A-Z0-9]+-[A-Z0-9]+-\\d{6}-\\d+-[CP]")),
            Map.entry("deribit perp", Pattern.compile("[A-Z0-9]+-PERPETUAL")),
            Map.entry("deribit futures", Pattern.compile("[A-Z0-9]+-\\d{1,2}[A-Z]{3}\\d{2}")),
            Map.entry("deribit option", Pattern.compile("[A-Z0-9]+-\\d{1,2}[A-Z]{3}\\d{2}-\\d+-[CP]")),
            Map.entry("bybit spot", Pattern.compile("[A-Z0-9]+")),
            Map.entry("bybit perp", Pattern.compile("[A-Z0-9]+USDT")));

    @Test
    void shouldDocumentEveryVenueWithItsLimitsAndOneHealthPath() {
        assertThat(requests.all()).extracting(Request::venue).containsAll(DocumentedRequests.VENUES);
        for (String venue : DocumentedRequests.VENUES) {
            assertThat(limits.limits(venue)).as("limit rules of %s", venue).isNotEmpty();
            assertThat(limits.health(venue)).as("health path of %s", venue).isPresent();
        }
    }

    @Test
    void shouldChargeEveryRequestOnlyToLimitsItsVenueDocuments() {
        for (Request request : requests.all()) {
            assertThat(request.consumes().keySet()).as(request.key())
                    .allSatisfy(rule -> assertThat(limits.limit(request.venue(), rule)).as(request.key() + " " + rule)
                            .isPresent());
        }
    }

    @Test
    void shouldGoToOneHostForAllDataTypesOfAVenuesMarket() {
        Map<String, Set<String>> hosts = requests.all().stream().collect(Collectors.groupingBy(
                r -> r.venue() + " " + r.market(), Collectors.mapping(r -> r.host().toString(), Collectors.toSet())));
        assertThat(hosts).allSatisfy((market, hostsOfMarket) -> assertThat(hostsOfMarket).as(market).hasSize(1));
    }

    @Test
    void shouldNameEachExampleInTheVenuesOwnFormForThatMarket() {
        for (Request request : requests.all()) {
            Pattern form = SYMBOL_FORMS.get(request.venue() + " " + request.market());
            assertThat(form).as("symbol form for %s %s", request.venue(), request.market()).isNotNull();
            assertThat(request.exampleSymbol()).as(request.key()).matches(form);
        }
    }

    @Test
    void shouldListNoDerivativesDataForSpotMarkets() {
        assertThat(requests.all()).filteredOn(r -> r.market().equals("spot"))
                .extracting(Request::dataType)
                .doesNotContain("FUNDING_RATE", "OPEN_INTEREST", "LONG_SHORT_RATIO");
    }

    @ParameterizedTest
    @CsvSource({"okx, perp, OPEN_INTEREST, instType, SWAP", "okx, futures, OPEN_INTEREST, instType, FUTURES",
            "okx, option, OPEN_INTEREST, instType, OPTION", "bybit, spot, ORDER_BOOK, category, spot",
            "bybit, spot, KLINES, category, spot", "bybit, perp, OPEN_INTEREST, category, linear"})
    void shouldFixTheProductParameterThatFollowsTheMarket(String venue, String market, String dataType, String name,
            String value) {
        Request request = requests.find(venue, market, dataType).orElseThrow();
        RequiredParam product = request.required().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow();
        assertThat(product.fixedValue()).contains(value);
        assertThat(product.carriesInstrument()).isFalse();
    }

    @Test
    void shouldTakeTheInstrumentAsPairOrFamilyOnlyWhereTheDocsKeyTheRequestThatWay() {
        Map<String, Set<String>> keysByPlaceholder = requests.all().stream()
                .flatMap(r -> r.required().stream().filter(RequiredParam::carriesInstrument)
                        .map(p -> Map.entry(p.placeholder(), r.key())))
                .collect(Collectors.groupingBy(Map.Entry::getKey,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toSet())));
        assertThat(keysByPlaceholder.get("pair")).containsExactly("binance-coinm, coin-perp, LONG_SHORT_RATIO");
        assertThat(keysByPlaceholder.get("family")).containsExactly("okx, option, OPEN_INTEREST");
        assertThat(keysByPlaceholder.get("symbol")).hasSize(requests.all().size() - 1);
    }

    @Test
    void shouldSayForEveryVenueHowABrokenLimitIsAnswered() {
        for (String venue : DocumentedRequests.VENUES) {
            assertThat(limits.signals(venue)).as("statuses and codes of %s", venue)
                    .anyMatch(s -> s.kind() != DocumentedLimits.SignalKind.HEADER);
        }
    }

    @Test
    void shouldRequireBothTimestampsForDeribitFunding() {
        assertThat(requests.find("deribit", "perp", "FUNDING_RATE").orElseThrow().requiredNames())
                .containsExactly("instrument_name", "start_timestamp", "end_timestamp");
    }

    @Test
    void shouldAllowOnlyTheDocumentedValuesOfAnOptionalParameter() {
        OptionalParam depth = requests.find("binance-usdm", "perp", "ORDER_BOOK").orElseThrow().optional().get(0);
        assertThat(depth).isEqualTo(new OptionalParam("limit", "5|10|20|50|100|500|1000", "500"));
        assertThat(depth.allows("100")).isTrue();
        assertThat(depth.allows("200")).isFalse();
        OptionalParam spotDepth = requests.find("binance-spot", "spot", "ORDER_BOOK").orElseThrow().optional().get(0);
        assertThat(spotDepth.allows("5000")).isTrue();
        assertThat(spotDepth.allows("5001")).isFalse();
        assertThat(spotDepth.allows("many")).isFalse();
    }

    @Test
    void shouldReadTheSpotRawRequestLimitThatTookEffectIn202604() {
        DocumentedLimits.Limit raw = limits.limit("binance-spot", "RAW_REQUESTS").orElseThrow();
        assertThat(raw.amount()).isEqualTo(300_000);
        assertThat(raw.window()).hasMinutes(5);
        assertThat(raw.clock()).isEqualTo(DocumentedLimits.Clock.FIXED);
    }

    // The readers refuse bad tables, naming the file, the line and the column.

    private static final String VALID_ROW = String.join("\t", "binance-spot", "spot", "ORDER_BOOK",
            "https://api.binance.com", "GET", "/api/v3/depth", "symbol={symbol}", "limit=1..5000(100)", "BTCUSDT",
            "REQUEST_WEIGHT:5,RAW_REQUESTS:1", "weight by limit", "https://example.org/docs#depth");

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "host; https://api.binance.com/api; column 'host' must be a base URL without path or query",
            "host; http://api.binance.com; column 'host' must be an https URL",
            "path; api/v3/depth; column 'path' must be a path starting with '/'",
            "path; /api/v3/depth?limit=5; column 'path' must be a path starting with '/'",
            "market; swap; column 'market' must be one of coin-perp, futures, option, perp, spot",
            "data_type; CANDLES; column 'data_type' must be one of",
            "method; POST; column 'method' must be one of GET",
            "required_params; symbol={ticker}; column 'required_params' has the unknown placeholder {ticker}",
            "required_params; interval; column 'required_params' must say which parameter carries the instrument",
            "required_params; symbol={symbol},symbol; column 'required_params' names 'symbol' twice",
            "required_params; symbol={symbol},interval=1m||5m; column 'required_params' 'interval=1m||5m' lists an empty value",
            "optional_params; limit=1..5000(6000); column 'optional_params' 'limit=1..5000(6000)' has a default outside",
            "optional_params; limit=500..5; column 'optional_params' 'limit=500..5' must write a range as lo..hi",
            "optional_params; symbol; column 'optional_params' repeats the required parameter 'symbol'",
            "consumes; REQUEST_WEIGHT=5; column 'consumes' must be comma-separated limit-rule:cost pairs",
            "consumes; -; column 'consumes' must name at least one documented limit",
            "cost_rule; ' '; column 'cost_rule' is empty",
            "source; docs.binance.com; column 'source' must be an https URL"})
    void shouldRefuseARequestRowWithABadColumnNamingLineAndColumn(String column, String value, String message) {
        List<String> cells = new ArrayList<>(List.of(VALID_ROW.split("\t")));
        cells.set(DocumentedRequests.COLUMNS.indexOf(column), value);
        String text = "# a comment\n" + String.join("\t", DocumentedRequests.COLUMNS) + "\n" + String.join("\t", cells);
        assertThatThrownBy(() -> DocumentedRequests.parse("t.tsv", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("t.tsv:3: " + message);
    }

    @Test
    void shouldRefuseASecondRowForTheSameVenueMarketAndDataType() {
        String text = String.join("\t", DocumentedRequests.COLUMNS) + "\n" + VALID_ROW + "\n\n" + VALID_ROW + "\n";
        assertThatThrownBy(() -> DocumentedRequests.parse("t.tsv", text))
                .hasMessage("t.tsv:4: (binance-spot, spot, ORDER_BOOK) is already documented on line 2;"
                        + " one row per venue, market and data type");
    }

    @Test
    void shouldRefuseATableWhoseHeaderOrColumnCountIsWrong() {
        assertThatThrownBy(() -> DocumentedRequests.parse("t.tsv", "venue\tmarket\n"))
                .hasMessageStartingWith("t.tsv:1: the header must be the columns venue, market, data_type");
        assertThatThrownBy(() -> DocumentedRequests.parse("t.tsv",
                String.join("\t", DocumentedRequests.COLUMNS) + "\nbinance-spot\tspot\n"))
                .hasMessage("t.tsv:2: 12 tab-separated columns expected, got 2");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "limit\tokx\tbooks\t-\t40 calls\t2s\tunstated\tip; t.tsv:3: column 'amount' must be '<n> weight|requests|credits'",
            "limit\tokx\tbooks\t-\t40 requests\t2 seconds\tunstated\tip; t.tsv:3: column 'window' must be '<n>s', '<n>m' or '<n>h'",
            "limit\tokx\tbooks\t-\t40 requests\t2s\tsliding\tip; t.tsv:3: column 'clock' must be one of bucket, fixed, rolling, unstated",
            "limit\tokx\tbooks\t-\t40 requests\t2s\tunstated\taccount; t.tsv:3: column 'scope' must be one of",
            "status\tokx\t429\ttrades\t-\t-\t-\t-; t.tsv:3: column 'rule' names 'trades', which is no limit rule of okx",
            "status\tokx\t4290\t*\t-\t-\t-\t-; t.tsv:3: column 'name' must be a three-digit HTTP status",
            "code\tokx\t50011\t*\t1 requests\t-\t-\t-; t.tsv:3: column 'amount' must be '-' for a code row",
            "health\tokx\t/api/v5/public/time\ttime:1\t-\t-\t-\t-; t.tsv:3: column 'rule' names 'time', which is no limit rule"})
    void shouldRefuseALimitsRowWithABadColumn(String row, String message) {
        String text = String.join("\t", DocumentedLimits.COLUMNS) + "\n"
                + "limit\tokx\tpublic-time\t-\t10 requests\t2s\tunstated\tip\tGET /api/v5/public/time\thttps://example.org/\n"
                + row + "\tdetail\thttps://example.org/\n";
        assertThatThrownBy(() -> DocumentedLimits.parse("t.tsv", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
