package io.marketprism.reliability.balancer;

/** How a {@link LoadBalancer} chooses among the endpoints it may use. */
public enum BalancingStrategy {
    /** Each usable endpoint in turn. */
    ROUND_ROBIN,
    /** Smooth weighted round robin: picks in proportion to the (dynamic) weights, interleaved. */
    WEIGHTED,
    /** Fewest requests in flight per unit of (dynamic) weight; ties go round robin. */
    LEAST_IN_FLIGHT,
    /** Lowest EWMA latency times (in-flight + 1); endpoints without samples first; ties go round robin. */
    RESPONSE_TIME,
    /** Two distinct endpoints drawn at random, the one with fewer in flight (then lower latency) wins. */
    POWER_OF_TWO_CHOICES
}
