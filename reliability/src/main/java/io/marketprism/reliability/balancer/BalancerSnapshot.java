package io.marketprism.reliability.balancer;

import io.marketprism.reliability.internal.ByteSink;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The complete state of a {@link LoadBalancer} as a compact value (about 35 bytes per endpoint plus its id).
 * Restoring it with the same config gives exactly the decisions the original would have made.
 */
public final class BalancerSnapshot {

    /** Leading byte of {@link #toBytes()}.  */
    public static final byte FORMAT_VERSION = 3;

    private final int cursor;
    private final long randomState;
    private final boolean panic;
    private final long clock;
    private final List<EndpointState> endpoints;

    BalancerSnapshot(int cursor, long randomState, boolean panic, long clock, List<EndpointState> endpoints) {
        this.cursor = cursor;
        this.randomState = randomState;
        this.panic = panic;
        this.clock = clock;
        this.endpoints = endpoints;
    }

    public byte[] toBytes() {
        ByteSink out = new ByteSink(32 + 100 * endpoints.size());
        writeHeader(out, cursor, randomState, panic, clock, endpoints.size());
        for (EndpointState endpoint : endpoints) {
            endpoint.writeTo(out);
        }
        return out.toByteArray();
    }

    /** Writes the start of the {@link #toBytes()} form; {@code endpointCount} endpoint records follow. */
    static void writeHeader(ByteSink out, int cursor, long randomState, boolean panic, long clock,
                            int endpointCount) {
        out.writeByte(FORMAT_VERSION);
        out.writeInt(cursor);
        out.writeLong(randomState);
        out.writeBoolean(panic);
        out.writeLong(clock);
        out.writeInt(endpointCount);
    }

    /** Parses {@link #toBytes()} output; fails on an unknown format version or damaged bytes. */
    public static BalancerSnapshot fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("balancer snapshot format " + version + " is not " + FORMAT_VERSION);
            }
            int cursor = in.readInt();
            long randomState = in.readLong();
            boolean panic = in.readBoolean();
            long clock = in.readLong();
            int count = in.readInt();
            if (count < 0 || count > 10_000) {
                throw new IOException("endpoint count " + count + " outside [0, 10000]");
            }
            List<EndpointState> endpoints = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                endpoints.add(EndpointState.readFrom(in));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("balancer snapshot has " + in.available() + " trailing bytes");
            }
            return new BalancerSnapshot(cursor, randomState, panic, clock, List.copyOf(endpoints));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("damaged balancer snapshot", e);
        }
    }

    /**
     * This state as seen from {@code now} when the balancer's clock shows a later time (another instance's clock ran
     * ahead, or this one's stepped back): an ejection keeps the time it had left, restore times move back to at most
     * {@code now}. Unchanged when the clock is not ahead of {@code now}.
     */
    public BalancerSnapshot rebasedTo(long now) {
        if (clock <= now) {
            return this;
        }
        List<EndpointState> rebased = new ArrayList<>(endpoints.size());
        for (EndpointState endpoint : endpoints) {
            EndpointState copy = endpoint.copy(endpoint.outcomeCapacity);
            if (copy.ejectedUntil != EndpointState.NEVER) {
                copy.ejectedUntil = copy.ejectedUntil > clock ? now + (copy.ejectedUntil - clock)
                        : Math.min(copy.ejectedUntil, now);
            }
            copy.restoredAt = Math.min(copy.restoredAt, now);
            rebased.add(copy);
        }
        return new BalancerSnapshot(cursor, randomState, panic, now, List.copyOf(rebased));
    }

    /** The latest time the balancer had seen (epoch millis); {@link Long#MIN_VALUE} before its first call. */
    public long clock() {
        return clock;
    }

    /** Ids of the endpoints currently ejected. */
    public List<String> ejectedEndpoints() {
        return endpoints.stream().filter(e -> e.ejected).map(e -> e.id).toList();
    }

    /** Load and health of every endpoint, in configuration order. */
    public List<EndpointStatus> endpointStatuses() {
        return endpoints.stream().map(e -> new EndpointStatus(e.id, e.inFlight, e.hasLatency ? e.latencyEwma : Double.NaN,
                e.successEwma, e.ejected, e.ejected ? e.ejectedUntil : 0)).toList();
    }

    /**
     * One endpoint as the balancer saw it.
     *
     * @param endpoint          endpoint name
     * @param inFlight          calls dispatched and not yet answered
     * @param latencyEwmaMillis moving average of call latency; NaN before the first call
     * @param successRate       moving average of successes, 1.0 healthy to 0.0 every call failing
     * @param ejected           whether the endpoint is out of rotation
     * @param ejectedUntil      end of the ejection (epoch millis); 0 when not ejected
     */
    public record EndpointStatus(String endpoint, int inFlight, double latencyEwmaMillis, double successRate,
                                 boolean ejected, long ejectedUntil) {
    }

    int cursor() {
        return cursor;
    }

    long randomState() {
        return randomState;
    }

    boolean panic() {
        return panic;
    }

    Optional<EndpointState> endpoint(String id) {
        return endpoints.stream().filter(e -> e.id.equals(id)).findFirst();
    }
}
