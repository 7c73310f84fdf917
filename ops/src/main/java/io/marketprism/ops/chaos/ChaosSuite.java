package io.marketprism.ops.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/** The chaos scenarios in the order they run, and how one runs: on a fresh stack of its own. */
public final class ChaosSuite {

    private static final List<Scenario> SCENARIOS = List.of(
            KillsWithRestarts.atLeastOnceControl(),
            KillsWithRestarts.exactlyOnce(),
            new MalformedInput(),
            new UpstreamChaos(),
            new PausedInstance(),
            new KillWithoutRestart(0),
            new KillWithoutRestart(1));

    private ChaosSuite() {
    }

    /** Every scenario, in the order {@code --scenario all} runs them. */
    public static List<Scenario> scenarios() {
        return SCENARIOS;
    }

    /**
     * The scenarios {@code name} stands for: {@code all}, or one scenario's name.
     *
     * @throws IllegalArgumentException naming every scenario when there is none of that name
     */
    public static List<Scenario> select(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        if (wanted.equals("all")) {
            return SCENARIOS;
        }
        Optional<Scenario> match = SCENARIOS.stream().filter(s -> s.name().equals(wanted)).findFirst();
        return List.of(match.orElseThrow(() -> new IllegalArgumentException("--scenario: '" + name
                + "' is not one of all, " + String.join(", ", SCENARIOS.stream().map(Scenario::name).toList()))));
    }

    /**
     * Runs {@code scenario} on a new stack in {@code workDir}/{@code name} (emptied first: state directories of an
     * earlier run would not match the new broker), closed afterwards.
     */
    public static ScenarioReport run(Scenario scenario, Scale scale, long seed, Path workDir, PrintWriter progress)
            throws Exception {
        Path scenarioDir = workDir.resolve(scenario.name());
        deleteRecursively(scenarioDir);
        try (ChaosStack stack = ChaosStack.start(scenarioDir, seed)) {
            return scenario.run(new ChaosRun(scenario, stack, scale, seed, progress));
        }
    }

    /** Runs each scenario in turn. */
    public static List<ScenarioReport> runAll(List<Scenario> scenarios, Scale scale, long seed, Path workDir,
                                              PrintWriter progress) throws Exception {
        List<ScenarioReport> reports = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            reports.add(run(scenario, scale, seed, workDir, progress));
        }
        return reports;
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
