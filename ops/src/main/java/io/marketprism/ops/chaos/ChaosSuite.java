package io.marketprism.ops.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The chaos scenarios in the order they run, and how one runs: on a fresh stack of its own. */
public final class ChaosSuite {

    private static final List<Scenario> SCENARIOS = List.of(
            KillsWithRestarts.atLeastOnceControl(),
            KillsWithRestarts.exactlyOnce(),
            new MalformedInput(),
            new UpstreamChaos(),
            new ScalingUnderLoad(),
            new PausedInstance(),
            KillWithoutRestart.ofThreeInstances(0),
            KillWithoutRestart.ofThreeInstances(1),
            new BrokerRestart(),
            new BrokerFailover(),
            new RollingUpgrade());

    /** The name of the soak, which runs only when named: its half hour would more than double {@code all}. */
    public static final String SOAK = "soak";

    private ChaosSuite() {
    }

    /** Every scenario {@code --scenario all} runs, in its order. */
    public static List<Scenario> scenarios() {
        return SCENARIOS;
    }

    /** Every scenario name {@code --scenario} takes besides {@code all}: those of {@link #scenarios()}, and the soak. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(SCENARIOS.stream().map(Scenario::name).toList());
        names.add(SOAK);
        return names;
    }

    /**
     * The scenarios {@code names} stand for, in the suite's order: {@code all}, or scenario names; the soak, last,
     * only when named, lasting {@code soakLength}.
     *
     * @throws IllegalArgumentException naming every scenario when one of the names is none of them
     */
    public static List<Scenario> select(List<String> names, Duration soakLength) {
        Set<String> wanted = names.stream().map(n -> n.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        for (String name : wanted) {
            if (!name.equals("all") && !names().contains(name)) {
                throw new IllegalArgumentException("--scenario: '" + name + "' is not one of all, "
                        + String.join(", ", names()));
            }
        }
        List<Scenario> selected = new ArrayList<>(wanted.contains("all") ? SCENARIOS
                : SCENARIOS.stream().filter(s -> wanted.contains(s.name())).toList());
        if (wanted.contains(SOAK)) {
            selected.add(new Soak(soakLength));
        }
        return selected;
    }

    /**
     * Runs {@code scenario} on a new stack in {@code workDir}/{@code name} (emptied first: state directories of an
     * earlier run would not match the new broker), closed afterwards.
     */
    public static ScenarioReport run(Scenario scenario, Scale scale, long seed, Path workDir, PrintWriter progress)
            throws Exception {
        Path scenarioDir = workDir.resolve(scenario.name());
        deleteRecursively(scenarioDir);
        try (ChaosStack stack = ChaosStack.start(scenarioDir, seed, scenario.brokers())) {
            return scenario.run(new ChaosRun(scenario, stack, scale, seed, progress));
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
