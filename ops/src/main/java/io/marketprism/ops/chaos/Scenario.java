package io.marketprism.ops.chaos;

/** One chaos scenario: sets up instances on a fresh {@link ChaosStack}, injects its faults and judges the outcome. */
public interface Scenario {

    /** The name given to {@code --scenario}, e.g. {@code kills}. */
    String name();

    /** What the scenario does, in one line. */
    String title();

    /** The Kafka cluster the scenario's stack runs on: one broker unless the scenario says otherwise. */
    default ChaosStack.Brokers brokers() {
        return ChaosStack.Brokers.ONE;
    }

    /** Runs the scenario on {@code run}'s stack and reports what happened. */
    ScenarioReport run(ChaosRun run) throws Exception;
}
