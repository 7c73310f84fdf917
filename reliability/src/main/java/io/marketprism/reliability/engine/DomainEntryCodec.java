package io.marketprism.reliability.engine;

import io.marketprism.reliability.limiter.LimiterCodec;
import io.marketprism.reliability.limiter.PriorityRateLimiter;
import io.marketprism.reliability.state.StateCodec;
import io.marketprism.reliability.state.StateFormat;
import io.marketprism.reliability.state.avro.SavedDomain;
import java.util.List;

/** The saved form of a {@link DomainEntry}: a {@link SavedDomain} record, the limiter in {@link LimiterCodec} form. */
public final class DomainEntryCodec implements StateCodec<DomainEntry> {

    /** The one instance; stateless. */
    public static final DomainEntryCodec INSTANCE = new DomainEntryCodec();

    private static final StateFormat<SavedDomain> FORMAT =
            new StateFormat<>(SavedDomain.getClassSchema(), SavedDomain::new, List.of());

    private static final ThreadLocal<SavedDomain> RECORDS = ThreadLocal.withInitial(SavedDomain::new);

    private DomainEntryCodec() {
    }

    /**
     * The saved entry of a domain of {@code exchange} holding {@code limiter}, written straight from the limiter:
     * the bytes {@code encode(new DomainEntry(exchange, limiter.snapshot()))} gives, without building the snapshot.
     */
    public byte[] encode(String exchange, PriorityRateLimiter limiter) {
        SavedDomain saved = RECORDS.get();
        saved.setExchange(exchange);
        saved.setLimiter(LimiterCodec.toRecord(limiter));
        return FORMAT.encode(saved);
    }

    @Override
    public byte[] encode(DomainEntry entry) {
        return FORMAT.encode(new SavedDomain(entry.exchange(), LimiterCodec.toRecord(entry.limiter())));
    }

    @Override
    public DomainEntry decode(byte[] bytes) {
        SavedDomain saved = FORMAT.decode(bytes);
        return new DomainEntry(saved.getExchange(), LimiterCodec.fromRecord(saved.getLimiter()));
    }
}
