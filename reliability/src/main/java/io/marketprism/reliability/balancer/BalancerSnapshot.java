package io.marketprism.reliability.balancer;

import io.marketprism.reliability.internal.ByteSink;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The complete state of a {@link LoadBalancer} as a compact value (about 80 bytes per endpoint plus its id).
 * Restoring it with the same config gives exactly the decisions the original would have made.
 */
public final class BalancerSnapshot {

    /** Leading byte of {@link #toBytes()}. */
    public static final byte FORMAT_VERSION = 1;

    private final int cursor;
    private final long randomState;
    private final boolean panic;
    private final List<EndpointState> endpoints;

    BalancerSnapshot(int cursor, long randomState, boolean panic, List<EndpointState> endpoints) {
        this.cursor = cursor;
        this.randomState = randomState;
        this.panic = panic;
        this.endpoints = endpoints;
    }

    public byte[] toBytes() {
        ByteSink out = new ByteSink(32 + 100 * endpoints.size());
        try {
            out.writeByte(FORMAT_VERSION);
            out.writeInt(cursor);
            out.writeLong(randomState);
            out.writeBoolean(panic);
            out.writeInt(endpoints.size());
            for (EndpointState endpoint : endpoints) {
                endpoint.writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
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
            return new BalancerSnapshot(cursor, randomState, panic, List.copyOf(endpoints));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("damaged balancer snapshot", e);
        }
    }

    /** Ids of the endpoints currently ejected. */
    public List<String> ejectedEndpoints() {
        return endpoints.stream().filter(e -> e.ejected).map(e -> e.id).toList();
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
