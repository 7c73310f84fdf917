package io.marketprism.topology.admin;

import io.marketprism.reliability.breaker.BreakerListener;
import io.marketprism.reliability.breaker.BreakerSnapshot;
import io.marketprism.reliability.breaker.EndpointBreaker;
import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.engine.ReliabilityEvent;
import io.marketprism.reliability.engine.SavedState;
import io.marketprism.reliability.engine.StateKind;
import io.marketprism.reliability.limiter.LimiterSnapshot;
import java.util.function.Consumer;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies an {@link AdminCommand} to the saved engine state, on the stream thread: it restores the component from
 * its snapshot, changes it through the component's own API, and saves it back. The caller must then discard its
 * {@code DecisionEngine} and create a new one over the same store, which continues from the changed state.
 */
public final class AdminCommandApplier {

    private final ReliabilityConfig config;

    public AdminCommandApplier(ReliabilityConfig config) {
        this.config = config;
    }

    /**
     * Applies the command to {@code engineStore} and completes its future; events (a breaker transition, a ban's end)
     * go to {@code events}. Returns false, completing the future exceptionally, when the command names an exchange
     * or endpoint that is not configured, or a domain that is not banned; skips a command already cancelled.
     */
    public boolean apply(AdminCommand command, KeyValueStore<String, byte[]> engineStore, long now,
                         Consumer<ReliabilityEvent> events) {
        if (command.done().isDone()) {
            return false;
        }
        try {
            String summary = command.action() == AdminCommand.Action.LIFT_BAN
                    ? liftBan(command.domain(), engineStore, now, events)
                    : changeBreaker(command, engineStore, now, events);
            command.done().complete(summary);
            return true;
        } catch (IllegalArgumentException refused) {
            command.done().completeExceptionally(refused);
            return false;
        }
    }

    private String changeBreaker(AdminCommand command, KeyValueStore<String, byte[]> store, long now,
                                 Consumer<ReliabilityEvent> events) {
        String exchange = command.domain();
        ExchangeProfile profile = config.exchange(exchange);
        if (!profile.endpoints().contains(command.endpoint())) {
            throw new IllegalArgumentException("exchange '" + exchange + "' has no endpoint '" + command.endpoint()
                    + "'; configured: " + profile.endpoints());
        }
        String key = StateKind.BREAKER.name() + ':' + exchange + '/' + command.endpoint();
        byte[] saved = store.get(key);
        BreakerListener transitions = t -> events.accept(
                new ReliabilityEvent.BreakerTransitioned(t.at(), exchange, t.endpoint(), t.from(), t.to(), t.cause()));
        EndpointBreaker breaker = saved == null
                ? EndpointBreaker.create(command.endpoint(), profile.breaker(), transitions, now)
                : EndpointBreaker.restore(BreakerSnapshot.fromBytes(saved), profile.breaker(), transitions);
        switch (command.action()) {
            case FORCE_OPEN -> breaker.forceOpen(now);
            case CLOSE -> breaker.close(now);
            case RESET -> breaker.reset(now);
            default -> throw new IllegalStateException("not a breaker action: " + command.action());
        }
        store.put(key, breaker.snapshot().toBytes());
        return "breaker " + exchange + "/" + command.endpoint() + " is " + breaker.state();
    }

    private String liftBan(String domain, KeyValueStore<String, byte[]> store, long now,
                           Consumer<ReliabilityEvent> events) {
        String key = StateKind.LIMITER.name() + ':' + domain;
        byte[] saved = store.get(key);
        LimiterSnapshot limiter = saved == null ? null : SavedState.limiter(saved);
        if (limiter == null || limiter.bannedUntil() <= now) {
            throw new IllegalArgumentException("domain '" + domain + "' is not banned");
        }
        String exchange = SavedState.exchangeOfLimiter(saved);
        store.put(key, SavedState.limiterValue(exchange, limiter.withoutBan()));
        events.accept(new ReliabilityEvent.BanEnded(now, exchange, domain));
        return "ban of " + domain + " lifted (was until " + limiter.bannedUntil() + ")";
    }
}
