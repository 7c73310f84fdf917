package io.marketprism.topology.metrics;

import java.util.Map;

/**
 * Every metric the service defines, as Micrometer names (dots; the Prometheus registry turns them into the
 * {@code marketprism_...} names given in each comment, adding {@code _total} to counters and {@code _seconds} to
 * timers) and every tag key. docs/metrics.md describes each one.
 */
public final class MetricNames {

    private MetricNames() {
    }

    private static final String PREFIX = "marketprism.";

    // ---- circuit breakers, per endpoint
    /** marketprism_breaker_state: 0 closed, 1 open, 2 half-open, 3 forced-open, 4 disabled. */
    public static final String BREAKER_STATE = PREFIX + "breaker.state";
    /** marketprism_breaker_transitions_total, tags from/to. */
    public static final String BREAKER_TRANSITIONS = PREFIX + "breaker.transitions";
    /** marketprism_breaker_failure_rate: percent of failed calls in the window; -1 with an empty window. */
    public static final String BREAKER_FAILURE_RATE = PREFIX + "breaker.failure.rate";
    /** marketprism_breaker_slow_call_rate: percent of slow calls in the window; -1 with an empty window. */
    public static final String BREAKER_SLOW_CALL_RATE = PREFIX + "breaker.slow.call.rate";

    // ---- calls, per endpoint
    /** marketprism_calls_total, tags outcome (success/failure/timeout) and error_class. */
    public static final String CALLS = PREFIX + "calls";
    /** marketprism_call_latency_seconds: latency of one exchange call. */
    public static final String CALL_LATENCY = PREFIX + "call.latency";

    // ---- limiter, per domain
    /** marketprism_limiter_tokens: tokens (request weight) in the bucket. */
    public static final String LIMITER_TOKENS = PREFIX + "limiter.tokens";
    /** marketprism_limiter_window_usage_ratio: share of each rolling window used, tag window. */
    public static final String LIMITER_WINDOW_USAGE = PREFIX + "limiter.window.usage.ratio";
    /** marketprism_limiter_rate_factor: refill rate as a share of the configured rate (cut by 429s). */
    public static final String LIMITER_RATE_FACTOR = PREFIX + "limiter.rate.factor";
    /** marketprism_limiter_rate_cuts_total. */
    public static final String LIMITER_RATE_CUTS = PREFIX + "limiter.rate.cuts";
    /** marketprism_queue_depth, tag priority. */
    public static final String QUEUE_DEPTH = PREFIX + "queue.depth";
    /** marketprism_queue_wait_seconds, tag priority: time from queued to dispatched. */
    public static final String QUEUE_WAIT = PREFIX + "queue.wait";
    /** marketprism_sheds_total, tag reason. */
    public static final String SHEDS = PREFIX + "sheds";
    /** marketprism_bans_total: bans the exchange imposed (418, or 429 with Retry-After). */
    public static final String BANS = PREFIX + "bans";
    /** marketprism_banned_until_seconds: end of the current ban as a Unix time; 0 when not banned. */
    public static final String BANNED_UNTIL = PREFIX + "banned.until.seconds";

    // ---- retries
    /** marketprism_retries_total, tags strategy and error_class. */
    public static final String RETRIES = PREFIX + "retries";
    /** marketprism_retry_budget_available: retries the domain's budget still grants in its window. */
    public static final String RETRY_BUDGET_AVAILABLE = PREFIX + "retry.budget.available";

    // ---- balancer, per endpoint
    /** marketprism_balancer_picks_total. */
    public static final String BALANCER_PICKS = PREFIX + "balancer.picks";
    /** marketprism_endpoint_in_flight: calls started and not answered. */
    public static final String ENDPOINT_IN_FLIGHT = PREFIX + "endpoint.in.flight";
    /** marketprism_endpoint_latency_ewma_seconds: the balancer's moving average of call latency. */
    public static final String ENDPOINT_LATENCY_EWMA = PREFIX + "endpoint.latency.ewma.seconds";
    /** marketprism_endpoint_health: the balancer's moving success rate, 1 healthy to 0 failing. */
    public static final String ENDPOINT_HEALTH = PREFIX + "endpoint.health";
    /** marketprism_endpoint_ejected: 1 while out of rotation. */
    public static final String ENDPOINT_EJECTED = PREFIX + "endpoint.ejected";
    /** marketprism_endpoint_ejections_total, tag reason. */
    public static final String ENDPOINT_EJECTIONS = PREFIX + "endpoint.ejections";
    /** marketprism_probes_total, tag result (ok/failed): health checks of ejected endpoints. */
    public static final String PROBES = PREFIX + "probes";

    // ---- terminal outcomes
    /** marketprism_results_total, tag priority. */
    public static final String RESULTS = PREFIX + "results";
    /** marketprism_dead_letters_total, tag reason. */
    public static final String DEAD_LETTERS = PREFIX + "dead.letters";
    /** marketprism_duplicate_tasks_total, tags exchange and kind (same_task: dropped; id_taken: dead-lettered). */
    public static final String DUPLICATE_TASKS = PREFIX + "duplicate.tasks";
    /** marketprism_processing_failures_total, tag step: failures one task's handling had, each dead-lettering it. */
    public static final String PROCESSING_FAILURES = PREFIX + "processing.failures";
    /** marketprism_task_latency_seconds: task created to result produced, with percentile buckets. */
    public static final String TASK_LATENCY = PREFIX + "task.latency";

    // ---- task accounting (docs/metrics.md, "Task accounting")
    /** marketprism_tasks_accepted_total, tag data_type: records of the tasks topic that decoded as a task. */
    public static final String TASKS_ACCEPTED = PREFIX + "tasks.accepted";
    /** marketprism_retries_read_total: records read back from the retry topic. */
    public static final String RETRIES_READ = PREFIX + "retries.read";
    /** marketprism_tasks_terminal_total, tags data_type, outcome (result/dead_letter/rejected), deadline. */
    public static final String TASKS_TERMINAL = PREFIX + "tasks.terminal";
    /** marketprism_tasks_held: tasks of the domain held until a time (scheduled retry, ban, no endpoint). */
    public static final String TASKS_HELD = PREFIX + "tasks.held";
    /** marketprism_tasks_dispatched: tasks of the domain in the in-flight ledger (dispatched, outcome pending). */
    public static final String TASKS_DISPATCHED = PREFIX + "tasks.dispatched";
    /** marketprism_queue_capacity: tasks the domain's queue holds before it sheds (limiter.queue.capacity). */
    public static final String QUEUE_CAPACITY = PREFIX + "queue.capacity";

    // ---- recovery, from the engine's events
    /** marketprism_breaker_recovery_seconds: breaker opened (from closed) to closed again. */
    public static final String BREAKER_RECOVERY = PREFIX + "breaker.recovery";
    /** marketprism_endpoint_recovery_seconds: endpoint ejected to restored. */
    public static final String ENDPOINT_RECOVERY = PREFIX + "endpoint.recovery";
    /** marketprism_ban_duration_seconds: ban started to lifted. */
    public static final String BAN_DURATION = PREFIX + "ban.duration";

    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry(BREAKER_STATE, "Circuit breaker state: 0 closed, 1 open, 2 half-open, 3 forced-open, 4 disabled"),
            Map.entry(BREAKER_TRANSITIONS, "Circuit breaker state changes"),
            Map.entry(BREAKER_FAILURE_RATE, "Percent of failed calls in the breaker window; -1 while it is empty"),
            Map.entry(BREAKER_SLOW_CALL_RATE, "Percent of slow calls in the breaker window; -1 while it is empty"),
            Map.entry(CALLS, "Finished exchange calls by outcome and error class"),
            Map.entry(CALL_LATENCY, "Latency of one exchange call"),
            Map.entry(LIMITER_TOKENS, "Request weight in the token bucket when the limiter was last saved"),
            Map.entry(LIMITER_WINDOW_USAGE, "Share of each rolling rate-limit window used"),
            Map.entry(LIMITER_RATE_FACTOR, "Refill rate as a share of the configured rate"),
            Map.entry(LIMITER_RATE_CUTS, "Refill-rate cuts after a 429"),
            Map.entry(QUEUE_DEPTH, "Tasks waiting in the limiter queue"),
            Map.entry(QUEUE_WAIT, "Time from queued to dispatched"),
            Map.entry(SHEDS, "Tasks the limiter dropped"),
            Map.entry(BANS, "Bans the exchange imposed (418, or 429 with Retry-After)"),
            Map.entry(BANNED_UNTIL, "End of the current ban as a Unix time; 0 when not banned"),
            Map.entry(RETRIES, "Retries scheduled on the retry topic"),
            Map.entry(RETRY_BUDGET_AVAILABLE, "Retries the domain budget still grants in its window"),
            Map.entry(BALANCER_PICKS, "Calls the load balancer sent to the endpoint"),
            Map.entry(ENDPOINT_IN_FLIGHT, "Calls started and not yet answered"),
            Map.entry(ENDPOINT_LATENCY_EWMA, "Moving average of call latency seen by the balancer"),
            Map.entry(ENDPOINT_HEALTH, "Moving success rate seen by the balancer, 1 healthy to 0 failing"),
            Map.entry(ENDPOINT_EJECTED, "1 while the balancer keeps the endpoint out of rotation"),
            Map.entry(ENDPOINT_EJECTIONS, "Endpoint ejections by the balancer"),
            Map.entry(PROBES, "Health checks of ejected endpoints by result"),
            Map.entry(RESULTS, "Results produced"),
            Map.entry(DEAD_LETTERS, "Dead letters produced"),
            Map.entry(DUPLICATE_TASKS, "Tasks that arrived with an id already taken: the same task again (dropped) or"
                    + " another task (dead-lettered DUPLICATE_TASK_ID)"),
            Map.entry(PROCESSING_FAILURES, "Failures while handling one task; each dead-letters that task alone"),
            Map.entry(TASK_LATENCY, "Task created to result produced"),
            Map.entry(TASKS_ACCEPTED, "Records of the tasks topic that decoded as a task"),
            Map.entry(RETRIES_READ, "Records read back from the retry topic"),
            Map.entry(TASKS_TERMINAL, "Tasks that ended, by outcome and whether it came by the task deadline"),
            Map.entry(TASKS_HELD, "Tasks held until a time: scheduled retries, bans, no endpoint available"),
            Map.entry(TASKS_DISPATCHED, "Tasks dispatched to an endpoint whose outcome is not produced yet"),
            Map.entry(QUEUE_CAPACITY, "Tasks the domain queue holds before the limiter sheds"),
            Map.entry(BREAKER_RECOVERY, "Time from a breaker opening to closing again"),
            Map.entry(ENDPOINT_RECOVERY, "Time from an endpoint ejection to its restoration"),
            Map.entry(BAN_DURATION, "Time from a ban starting to its end"));

    /** The help text of a metric, shown by Prometheus. */
    public static String describe(String name) {
        return DESCRIPTIONS.getOrDefault(name, name);
    }

    // ---- tag keys
    public static final String TAG_EXCHANGE = "exchange";
    public static final String TAG_ENDPOINT = "endpoint";
    public static final String TAG_DOMAIN = "domain";
    public static final String TAG_PRIORITY = "priority";
    public static final String TAG_REASON = "reason";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_ERROR_CLASS = "error_class";
    public static final String TAG_STRATEGY = "strategy";
    public static final String TAG_FROM = "from";
    public static final String TAG_TO = "to";
    public static final String TAG_WINDOW = "window";
    public static final String TAG_RESULT = "result";
    public static final String TAG_DATA_TYPE = "data_type";
    public static final String TAG_DEADLINE = "deadline";
    /** Values of deadline: the terminal record came by the task's deadline, after it, or the task had none. */
    public static final String DEADLINE_MET = "met";
    public static final String DEADLINE_MISSED = "missed";
    public static final String DEADLINE_NONE = "none";
    /** Values of result. */
    public static final String OK = "ok";
    public static final String FAILED = "failed";
    /** Value of error_class when there was no error. */
    public static final String NONE = "none";
    /** Value of exchange for records that name no known exchange (malformed input). */
    public static final String UNKNOWN = "unknown";
}
