package io.marketprism.ops.exchange;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;

/**
 * How badly a simulated exchange endpoint behaves: immutable, built with {@link #builder()}.
 *
 * <p>For each request one random draw picks at most one fault, with these probabilities: connection reset, timeout
 * (hang), 429 rate limited, server error (500, 502 or 503 equally often); the rest are answered normally. Their sum
 * must not exceed 1. Latency is added to every answer and reset. With ban mode on ({@code banAfter429s > 0}), an
 * endpoint that has answered that many 429s within a minute answers 418 to everything for {@code banDuration}.
 * With an oversized body set for one kind of market data, its successful answers are padded to that size (for
 * exercising a client's body limit).
 */
public final class FaultProfile {

    private static final Duration MAX_LATENCY = Duration.ofMinutes(1);
    private static final Duration MAX_HANG = Duration.ofMinutes(10);
    private static final Duration MAX_BAN = Duration.ofDays(1);
    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
    private static final FaultProfile NONE = builder().build();

    private final double connectionResetRate;
    private final double timeoutRate;
    private final double rateLimitRate;
    private final double errorRate;
    private final Duration fixedLatency;
    private final Duration randomLatencyUpTo;
    private final Duration hangLimit;
    private final int retryAfterSeconds;
    private final int banAfter429s;
    private final Duration banDuration;
    private final MarketData oversizedData;
    private final int oversizedBodyBytes;

    private FaultProfile(Builder b) {
        this.connectionResetRate = b.connectionResetRate;
        this.timeoutRate = b.timeoutRate;
        this.rateLimitRate = b.rateLimitRate;
        this.errorRate = b.errorRate;
        this.fixedLatency = b.fixedLatency;
        this.randomLatencyUpTo = b.randomLatencyUpTo;
        this.hangLimit = b.hangLimit;
        this.retryAfterSeconds = b.retryAfterSeconds;
        this.banAfter429s = b.banAfter429s;
        this.banDuration = b.banDuration;
        this.oversizedData = b.oversizedData;
        this.oversizedBodyBytes = b.oversizedBodyBytes;
    }

    /** A profile without faults: every request is answered at once and normally. */
    public static FaultProfile ofDefaults() {
        return NONE;
    }

    /** Starts from the fault-free defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts from this profile's values, to change a few. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.connectionResetRate = connectionResetRate;
        b.timeoutRate = timeoutRate;
        b.rateLimitRate = rateLimitRate;
        b.errorRate = errorRate;
        b.fixedLatency = fixedLatency;
        b.randomLatencyUpTo = randomLatencyUpTo;
        b.hangLimit = hangLimit;
        b.retryAfterSeconds = retryAfterSeconds;
        b.banAfter429s = banAfter429s;
        b.banDuration = banDuration;
        b.oversizedData = oversizedData;
        b.oversizedBodyBytes = oversizedBodyBytes;
        return b;
    }

    /** Share of requests whose connection is closed without any response. */
    public double connectionResetRate() {
        return connectionResetRate;
    }

    /** Share of requests never answered; their connection is closed after {@link #hangLimit()}. */
    public double timeoutRate() {
        return timeoutRate;
    }

    /** Share of requests answered 429 with {@code Retry-After: retryAfterSeconds}. */
    public double rateLimitRate() {
        return rateLimitRate;
    }

    /** Share of requests answered 500, 502 or 503. */
    public double errorRate() {
        return errorRate;
    }

    /** Latency added to every answer. */
    public Duration fixedLatency() {
        return fixedLatency;
    }

    /** Upper bound of a uniformly drawn latency added on top of the fixed one. */
    public Duration randomLatencyUpTo() {
        return randomLatencyUpTo;
    }

    /** How long a hung request keeps its connection open before the server closes it. */
    public Duration hangLimit() {
        return hangLimit;
    }

    /** Value of the {@code Retry-After} header on 429 answers. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Number of 429s within a minute that bans an endpoint; 0 means ban mode is off. */
    public int banAfter429s() {
        return banAfter429s;
    }

    /** How long a ban lasts. */
    public Duration banDuration() {
        return banDuration;
    }

    /** The market data whose successful answers are padded to {@link #oversizedBodyBytes()}, if any. */
    public Optional<MarketData> oversizedData() {
        return Optional.ofNullable(oversizedData);
    }

    /** Size in bytes the bodies of {@link #oversizedData()} are padded to; 0 when none is set. */
    public int oversizedBodyBytes() {
        return oversizedBodyBytes;
    }

    /**
     * The body of a successful answer to {@code data}: as is, or, for the oversized data, padded with trailing
     * spaces (still the same JSON) to {@link #oversizedBodyBytes()} in UTF-8.
     */
    String bodyOf(MarketData data, String body) {
        if (data != oversizedData) {
            return body;
        }
        int missing = oversizedBodyBytes - body.getBytes(StandardCharsets.UTF_8).length;
        return missing <= 0 ? body : body + " ".repeat(missing);
    }

    /** What a request meets, besides latency: one of the profile's faults, or none. */
    enum Fault { CONNECTION_RESET, HANG, RATE_LIMIT, SERVER_ERROR, NONE }

    /**
     * The fault a request meets, by the profile's rates (reset, hang, rate limit, server error, taken in that order
     * from one draw of {@code random}).
     */
    Fault drawFault(Random random) {
        double roll = random.nextDouble();
        if ((roll -= connectionResetRate) < 0) {
            return Fault.CONNECTION_RESET;
        }
        if ((roll -= timeoutRate) < 0) {
            return Fault.HANG;
        }
        if ((roll -= rateLimitRate) < 0) {
            return Fault.RATE_LIMIT;
        }
        return roll - errorRate < 0 ? Fault.SERVER_ERROR : Fault.NONE;
    }

    /** Fixed latency plus a draw from {@code [0, randomLatencyUpTo]}. */
    Duration drawLatency(Random random) {
        long upToMillis = randomLatencyUpTo.toMillis();
        return upToMillis == 0 ? fixedLatency : fixedLatency.plusMillis(random.nextLong(upToMillis + 1));
    }

    @Override
    public String toString() {
        return "FaultProfile{connectionResetRate=" + connectionResetRate + ", timeoutRate=" + timeoutRate
                + ", rateLimitRate=" + rateLimitRate + ", errorRate=" + errorRate + ", fixedLatency=" + fixedLatency
                + ", randomLatencyUpTo=" + randomLatencyUpTo + ", hangLimit=" + hangLimit
                + ", retryAfterSeconds=" + retryAfterSeconds + ", banAfter429s=" + banAfter429s
                + ", banDuration=" + banDuration + ", oversizedData=" + oversizedData
                + ", oversizedBodyBytes=" + oversizedBodyBytes + '}';
    }

    /** Builds a {@link FaultProfile}; each setter checks its range, {@link #build()} checks the rates' sum. */
    public static final class Builder {

        private double connectionResetRate;
        private double timeoutRate;
        private double rateLimitRate;
        private double errorRate;
        private Duration fixedLatency = Duration.ZERO;
        private Duration randomLatencyUpTo = Duration.ZERO;
        private Duration hangLimit = Duration.ofSeconds(30);
        private int retryAfterSeconds = 1;
        private int banAfter429s;
        private Duration banDuration = Duration.ofMinutes(2);
        private MarketData oversizedData;
        private int oversizedBodyBytes;

        private Builder() {
        }

        /** Share of connections closed without a response, in [0, 1]; default 0. */
        public Builder connectionResetRate(double rate) {
            this.connectionResetRate = validRate("connectionResetRate", rate);
            return this;
        }

        /** Share of requests left hanging, in [0, 1]; default 0. */
        public Builder timeoutRate(double rate) {
            this.timeoutRate = validRate("timeoutRate", rate);
            return this;
        }

        /** Share of requests answered 429, in [0, 1]; default 0. */
        public Builder rateLimitRate(double rate) {
            this.rateLimitRate = validRate("rateLimitRate", rate);
            return this;
        }

        /** Share of requests answered 500/502/503, in [0, 1]; default 0. */
        public Builder errorRate(double rate) {
            this.errorRate = validRate("errorRate", rate);
            return this;
        }

        /** Latency added to every answer, in [0, 1 min]; default 0. */
        public Builder fixedLatency(Duration latency) {
            this.fixedLatency = validDuration("fixedLatency", latency, Duration.ZERO, MAX_LATENCY);
            return this;
        }

        /** Upper bound of the random extra latency, in [0, 1 min]; default 0. */
        public Builder randomLatencyUpTo(Duration latency) {
            this.randomLatencyUpTo = validDuration("randomLatencyUpTo", latency, Duration.ZERO, MAX_LATENCY);
            return this;
        }

        /** How long a hung request is held before its connection is closed, in [1 ms, 10 min]; default 30 s. */
        public Builder hangLimit(Duration limit) {
            this.hangLimit = validDuration("hangLimit", limit, Duration.ofMillis(1), MAX_HANG);
            return this;
        }

        /** {@code Retry-After} of 429 answers in seconds, in [0, 3600]; default 1. */
        public Builder retryAfterSeconds(int seconds) {
            if (seconds < 0 || seconds > 3600) {
                throw new IllegalArgumentException("retryAfterSeconds must be in [0, 3600] but was " + seconds);
            }
            this.retryAfterSeconds = seconds;
            return this;
        }

        /** 429s within a minute that ban an endpoint, in [0, 1000000]; 0 (the default) turns ban mode off. */
        public Builder banAfter429s(int count) {
            if (count < 0 || count > 1_000_000) {
                throw new IllegalArgumentException("banAfter429s must be in [0, 1000000] but was " + count);
            }
            this.banAfter429s = count;
            return this;
        }

        /** How long a ban lasts, in [1 ms, 1 day]; default 2 min. */
        public Builder banDuration(Duration duration) {
            this.banDuration = validDuration("banDuration", duration, Duration.ofMillis(1), MAX_BAN);
            return this;
        }

        /**
         * Pads every successful answer to {@code data} to {@code bytes} bytes, in [1, 64 MiB]; {@code (null, 0)}
         * turns padding off. Default off.
         */
        public Builder oversizedBody(MarketData data, int bytes) {
            if (data == null && bytes != 0) {
                throw new IllegalArgumentException("oversizedBodyBytes needs an oversizedData but was " + bytes
                        + " without one");
            }
            if (data != null && (bytes < 1 || bytes > MAX_BODY_BYTES)) {
                throw new IllegalArgumentException("oversizedBodyBytes must be in [1, " + MAX_BODY_BYTES
                        + "] but was " + bytes);
            }
            this.oversizedData = data;
            this.oversizedBodyBytes = data == null ? 0 : bytes;
            return this;
        }

        /**
         * Returns the profile.
         *
         * @throws IllegalStateException if the fault rates add up to more than 1
         */
        public FaultProfile build() {
            double sum = connectionResetRate + timeoutRate + rateLimitRate + errorRate;
            if (sum > 1.0 + 1e-9) {
                throw new IllegalStateException("connectionResetRate + timeoutRate + rateLimitRate + errorRate must"
                        + " be <= 1 but is " + sum);
            }
            return new FaultProfile(this);
        }

        private static double validRate(String key, double rate) {
            if (!(rate >= 0.0 && rate <= 1.0)) {
                throw new IllegalArgumentException(key + " must be in [0.0, 1.0] but was " + rate);
            }
            return rate;
        }

        private static Duration validDuration(String key, Duration value, Duration min, Duration max) {
            if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "] but was " + value);
            }
            return value;
        }
    }
}
