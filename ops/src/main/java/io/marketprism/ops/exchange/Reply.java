package io.marketprism.ops.exchange;

import java.time.Duration;
import java.util.Map;

/**
 * What the server does with one request: after {@code delay}, either send the answer or close the connection.
 *
 * @param delivery whether to answer, reset or hang
 * @param status   HTTP status to send, 0 when nothing is sent
 * @param headers  response headers besides {@code Content-Type}
 * @param body     JSON body, empty when nothing is sent
 * @param delay    latency before answering or resetting; the hang limit for a hung request
 */
record Reply(ServedRequest.Delivery delivery, int status, Map<String, String> headers, String body, Duration delay) {

    static Reply answer(int status, Map<String, String> headers, String body, Duration delay) {
        return new Reply(ServedRequest.Delivery.ANSWERED, status, Map.copyOf(headers), body, delay);
    }

    /** This answer, sent after {@code delay} instead. */
    Reply after(Duration delay) {
        return new Reply(delivery, status, headers, body, delay);
    }

    static Reply reset(Duration delay) {
        return new Reply(ServedRequest.Delivery.RESET, 0, Map.of(), "", delay);
    }

    static Reply hang(Duration hangLimit) {
        return new Reply(ServedRequest.Delivery.HUNG, 0, Map.of(), "", hangLimit);
    }
}
