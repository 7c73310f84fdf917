package io.marketprism.reliability.config;

import io.marketprism.reliability.balancer.BalancerConfig;
import io.marketprism.reliability.breaker.BreakerConfig;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.retry.RetryBudgetConfig;
import io.marketprism.reliability.retry.RetryPolicyConfig;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One flat key of a profile component: its name without the {@code exchange.<name>.} prefix, the name the
 * component's builder uses for it (so a builder's cross-field error can be told in keys), the type of its value
 * (parsing, range and the allowed values shown in the docs), which builder setter it feeds, and where a profile
 * keeps its value (so the documented default is the presets' value).
 *
 * @param <B> the component's builder
 * @param <T> the type of the value
 */
final class Setting<B, T> {

    /** The profile component a setting belongs to; knows how to open and close that component's builder. */
    enum Part {
        BREAKER("breaker") {
            Object open(ExchangeProfile p) {
                return p.breaker().toBuilder();
            }

            void close(Object builder, ExchangeProfile.Builder target) {
                target.breaker(((BreakerConfig.Builder) builder).build());
            }
        },
        RETRY("retry") {
            Object open(ExchangeProfile p) {
                return p.retry().toBuilder();
            }

            void close(Object builder, ExchangeProfile.Builder target) {
                target.retry(((RetryPolicyConfig.Builder) builder).build());
            }
        },
        RETRY_BUDGET("retry.budget") {
            Object open(ExchangeProfile p) {
                return p.retryBudget().toBuilder();
            }

            void close(Object builder, ExchangeProfile.Builder target) {
                target.retryBudget(((RetryBudgetConfig.Builder) builder).build());
            }
        },
        BALANCER("balancer") {
            Object open(ExchangeProfile p) {
                return p.balancer().toBuilder();
            }

            void close(Object builder, ExchangeProfile.Builder target) {
                target.balancer(((BalancerConfig.Builder) builder).build());
            }
        },
        LIMITER("limiter") {
            Object open(ExchangeProfile p) {
                return p.limiter().toBuilder();
            }

            void close(Object builder, ExchangeProfile.Builder target) {
                target.limiter(((LimiterConfig.Builder) builder).build());
            }
        };

        final String prefix;

        Part(String prefix) {
            this.prefix = prefix;
        }

        abstract Object open(ExchangeProfile profile);

        abstract void close(Object builder, ExchangeProfile.Builder target);
    }

    final Part part;
    final String name;
    /** The name the component's builder gives the value in its messages, e.g. {@code maxWaitInOpenMillis}. */
    final String property;
    final ValueType<T> type;
    final String meaning;
    private final BiConsumer<B, T> setter;
    private final Function<ExchangeProfile, T> current;

    private Setting(Part part, String name, String property, ValueType<T> type, String meaning,
                    BiConsumer<B, T> setter, Function<ExchangeProfile, T> current) {
        this.part = part;
        this.name = name;
        this.property = property;
        this.type = type;
        this.meaning = meaning;
        this.setter = setter;
        this.current = current;
    }

    /** A setting for every exchange ({@code name}) or for one ({@code exchange.<name>.name}). */
    static <B, T> Setting<B, T> of(Part part, String name, String property, ValueType<T> type, String meaning,
                                   BiConsumer<B, T> setter, Function<ExchangeProfile, T> current) {
        return new Setting<>(part, name, property, type, meaning, setter, current);
    }

    /** The key as the configuration table shows it. */
    String pattern() {
        return "[exchange.<name>.]" + name;
    }

    /** Parses {@code text} as the value of {@code key} and hands it to {@code builder} of this setting's part. */
    @SuppressWarnings("unchecked")
    void apply(Object builder, String key, String text) {
        T value = type.parse(key, text);
        try {
            setter.accept((B) builder, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + "=" + text + " rejected: " + e.getMessage(), e);
        }
    }

    /** The value {@code profile} has for this setting, as text {@link #apply} reads. */
    String valueIn(ExchangeProfile profile) {
        return type.show(current.apply(profile));
    }
}
