package io.marketprism.ops.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one scenario.
 *
 * @param name the scenario's command-line name
 * @param title what it does, in one line
 * @param expectation what the verdict must show
 * @param faults the faults injected, in order, each with its time since the scenario started
 * @param verdict the exactly-once verifier's findings
 * @param figures the scenario's own measurements by name, e.g. failover time, in the order they are shown
 * @param failures the scenario's own checks that did not hold, one line each (the verdict's come on top)
 * @param elapsed how long the scenario ran
 */
public record ScenarioReport(String name, String title, Expectation expectation, List<String> faults,
                             Verdict verdict, Map<String, String> figures, List<String> failures, Duration elapsed) {

    /** Whether the verdict shows what {@link #expectation} asks and the scenario's own checks held. */
    public boolean passed() {
        boolean verdictAsExpected = expectation == Expectation.EXACTLY_ONCE ? verdict.exactlyOnce()
                : !verdict.duplicated().isEmpty() || !verdict.missing().isEmpty();
        return verdictAsExpected && failures.isEmpty();
    }
}
