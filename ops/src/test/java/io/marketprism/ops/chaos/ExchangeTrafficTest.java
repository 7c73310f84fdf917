package io.marketprism.ops.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.exchange.ServedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request-log figures: when traffic left a dead endpoint, when it came back, calls made into a known ban. */
class ExchangeTrafficTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> API1 = List.of("binance/api1");

    @Test
    void shouldTakeTheLastCallBeforeTheFirstTwoSecondPauseAsTheTimeTrafficLeft() {
        List<ServedRequest> log = new ArrayList<>(everyTenthOfASecond(0, 100));   // 10 s of normal traffic
        log.addAll(everyTenthOfASecond(100, 108));                                 // 0.7 s more after the outage
        log.add(health(130));                                                      // a probe is not traffic

        assertThat(new ExchangeTraffic(log).timeToLeave(API1, at(100), at(300)))
                .contains(Duration.ofMillis(700));
    }

    @Test
    void shouldFindNoLeavingWhenCallsKeepComingThroughTheOutage() {
        List<ServedRequest> log = everyTenthOfASecond(0, 300);

        assertThat(new ExchangeTraffic(log).timeToLeave(API1, at(100), at(300))).isEmpty();
    }

    @Test
    void shouldTakeTheFirstSecondWithHalfTheNormalRateAsTheTimeTrafficReturned() {
        List<ServedRequest> log = new ArrayList<>(everyTenthOfASecond(0, 100));   // 10 a second before the outage
        log.add(call(320));                                                        // one probe-like call
        for (int tenth = 340; tenth < 360; tenth += 2) {
            log.add(call(tenth));                                                  // 5 a second from 34 s
        }

        assertThat(new ExchangeTraffic(log).timeToReturn(API1, at(100), at(300), at(400)))
                .contains(Duration.ofMillis(4_900));
    }

    @Test
    void shouldReportCallsMadeLaterThanTheGraceAfterABanWasAnnounced() {
        List<ServedRequest> log = List.of(banned(10), banned(12), banned(20), call(30), banned(40));

        assertThat(new ExchangeTraffic(log).callsWhileBanned(Duration.ofMillis(300)))
                .singleElement().asString().contains("called at " + at(20));
    }

    private static List<ServedRequest> everyTenthOfASecond(int fromTenth, int toTenth) {
        List<ServedRequest> log = new ArrayList<>();
        for (int tenth = fromTenth; tenth < toTenth; tenth++) {
            log.add(call(tenth));
        }
        return log;
    }

    private static Instant at(int tenths) {
        return T0.plusMillis(tenths * 100L);
    }

    private static ServedRequest call(int tenths) {
        return new ServedRequest(at(tenths), "binance", "api1", "/api/v3/depth", "", 200, false,
                ServedRequest.Delivery.ANSWERED, false);
    }

    private static ServedRequest health(int tenths) {
        return new ServedRequest(at(tenths), "binance", "api1", "/api/v3/ping", "", 200, false,
                ServedRequest.Delivery.ANSWERED, true);
    }

    private static ServedRequest banned(int tenths) {
        return new ServedRequest(at(tenths), "binance", "api1", "/api/v3/depth", "", 418, true,
                ServedRequest.Delivery.ANSWERED, false);
    }
}
