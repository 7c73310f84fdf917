package io.marketprism.reliability.config;

import io.marketprism.reliability.Checks;
import io.marketprism.reliability.balancer.BalancerConfig;
import io.marketprism.reliability.breaker.BreakerConfig;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.retry.RetryBudgetConfig;
import io.marketprism.reliability.retry.RetryPolicyConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One flat key of a profile component: its name without the {@code exchange.<name>.} prefix, how its text is parsed
 * and checked, which builder setter it feeds, and how to show the value a profile has.
 */
final class Setting {

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

    /** Parses the text of {@code key}, throwing IllegalArgumentException naming the key, value and allowed range. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(String key, String text);
    }

    final Part part;
    final String name;
    final boolean perExchangeOnly;
    final String allowed;
    final String meaning;
    private final Function<ExchangeProfile, Object> current;
    private final Parser<?> parser;
    private final BiConsumer<Object, Object> setter;

    @SuppressWarnings("unchecked")
    private <B, T> Setting(Part part, String name, boolean perExchangeOnly, String allowed, String meaning,
                           Parser<T> parser, BiConsumer<B, T> setter, Function<ExchangeProfile, Object> current) {
        this.part = part;
        this.name = name;
        this.perExchangeOnly = perExchangeOnly;
        this.allowed = allowed;
        this.meaning = meaning;
        this.parser = parser;
        this.setter = (BiConsumer<Object, Object>) (BiConsumer<?, ?>) setter;
        this.current = current;
    }

    static <B, T> Setting of(Part part, String name, String allowed, String meaning, Parser<T> parser,
                             BiConsumer<B, T> setter, Function<ExchangeProfile, Object> current) {
        return new Setting(part, name, false, allowed, meaning, parser, setter, current);
    }

    static <B, T> Setting perExchange(Part part, String name, String allowed, String meaning, Parser<T> parser,
                                      BiConsumer<B, T> setter, Function<ExchangeProfile, Object> current) {
        return new Setting(part, name, true, allowed, meaning, parser, setter, current);
    }

    /** Parses {@code text} as the value of {@code key} and hands it to {@code builder} of this setting's part. */
    void apply(Object builder, String key, String text) {
        Object value = parser.parse(key, text == null ? "" : text.trim());
        try {
            setter.accept(builder, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + "=" + text + " rejected: " + e.getMessage(), e);
        }
    }

    /** The value {@code profile} has for this setting, as text {@link #apply} reads. */
    String valueIn(ExchangeProfile profile) {
        return String.valueOf(current.apply(profile));
    }

    static Parser<Long> longIn(long min, long max) {
        return (key, text) -> {
            try {
                return Checks.inRange(key, Long.parseLong(text), min, max);
            } catch (NumberFormatException e) {
                throw Checks.outOfRange(key, "'" + text + "'", range(min, max));
            }
        };
    }

    static Parser<Integer> intIn(int min, int max) {
        Parser<Long> asLong = longIn(min, max);
        return (key, text) -> asLong.parse(key, text).intValue();
    }

    static Parser<Double> doubleIn(double min, double max) {
        return (key, text) -> {
            try {
                return Checks.inRange(key, Double.parseDouble(text), min, max);
            } catch (NumberFormatException e) {
                throw Checks.outOfRange(key, "'" + text + "'", range(min, max));
            }
        };
    }

    static <E extends Enum<E>> Parser<E> oneOf(Class<E> type) {
        return (key, text) -> {
            try {
                return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw Checks.outOfRange(key, "'" + text + "'", names(type));
            }
        };
    }

    static Parser<Boolean> bool() {
        return (key, text) -> {
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(text);
            }
            throw Checks.outOfRange(key, "'" + text + "'", "{true, false}");
        };
    }

    static String range(Object min, Object max) {
        return "[" + min + ", " + max + "]";
    }

    static <E extends Enum<E>> String names(Class<E> type) {
        return "{" + String.join(", ", Arrays.stream(type.getEnumConstants()).map(Enum::name).toList()) + "}";
    }
}
