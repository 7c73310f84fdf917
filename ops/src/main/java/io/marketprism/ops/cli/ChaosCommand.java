package io.marketprism.ops.cli;

import io.marketprism.ops.chaos.ChaosSuite;
import io.marketprism.ops.chaos.ReliabilityReport;
import io.marketprism.ops.chaos.Scale;
import io.marketprism.ops.chaos.Scenario;
import io.marketprism.ops.chaos.ScenarioReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marketprism chaos}: runs chaos scenarios, prints their figures and writes {@code docs/reliability.md}. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {
            "Run chaos scenarios: each on its own embedded broker, with the simulated exchange and service "
                    + "instances as child JVMs killed with SIGKILL or frozen with SIGSTOP, and an exactly-once "
                    + "verifier reading the outputs under read_committed.",
            "Progress goes to standard error, a table to standard output; the figures are written to "
                    + "docs/reliability.md. Exit code 0 when every scenario passed, 1 otherwise."})
public final class ChaosCommand implements Callable<Integer> {

    @Option(names = "--scenario", defaultValue = "all", split = ",",
            description = "all, or scenarios among: ${COMPLETION-CANDIDATES}, comma-separated (default: "
                    + "${DEFAULT-VALUE}).",
            completionCandidates = ScenarioNames.class)
    List<String> scenario;

    @Option(names = "--scale", defaultValue = "full",
            description = "full (the sizes of the suite, e.g. 100,000 tasks through five kills) or fast (the "
                    + "reduced sizes the integration tests run) (default: ${DEFAULT-VALUE}).")
    String scale;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of generator and simulator (default: "
            + "${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--soak-minutes", defaultValue = "30", paramLabel = "N",
            description = "How long the soak runs, at least 3 (default: ${DEFAULT-VALUE}). The soak runs only when "
                    + "named: --scenario soak, or all,soak.")
    int soakMinutes;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where instance logs, state directories and the generator's task logs go (default: a new "
                    + "temporary directory, kept).")
    Path workDir;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Where to write the figures (default: docs/reliability.md of the checkout).")
    Path report;

    @Option(names = "--no-report", description = "Do not write the figures to a file.")
    boolean noReport;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Scenario> scenarios = ChaosSuite.select(scenario, Duration.ofMinutes(soakMinutes));
        Scale chosenScale = parseScale(scale);
        PrintWriter err = spec.commandLine().getErr();
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("marketprism-chaos-");
        err.println("chaos: " + scenarios.stream().map(Scenario::name).collect(Collectors.joining(", "))
                + " at " + chosenScale.name().toLowerCase(Locale.ROOT) + " scale; logs in " + dir);
        String loadAtStart = ReliabilityReport.loadAverages();
        List<ScenarioReport> reports = new ArrayList<>();
        for (Scenario each : scenarios) {
            reports.add(ChaosSuite.run(each, chosenScale, seed, dir, err));
        }
        ReliabilityReport figures = new ReliabilityReport(reports, Instant.now(), commandLine(), chosenScale, seed,
                loadAtStart);
        PrintWriter out = spec.commandLine().getOut();
        out.print(figures.table());
        out.flush();
        if (!noReport) {
            Path file = report != null ? report
                    : Path.of(System.getProperty("marketprism.root", "."), "docs", "reliability.md");
            figures.write(file);
            err.println("chaos: figures written to " + file);
        }
        return figures.passed() ? 0 : 1;
    }

    private String commandLine() {
        StringBuilder line = new StringBuilder("ops/marketprism chaos --scenario ").append(String.join(",", scenario));
        if (!scale.equalsIgnoreCase("full")) {
            line.append(" --scale ").append(scale);
        }
        if (seed != 42) {
            line.append(" --seed ").append(seed);
        }
        if (soakMinutes != 30 && scenario.contains(ChaosSuite.SOAK)) {
            line.append(" --soak-minutes ").append(soakMinutes);
        }
        return line.toString();
    }

    private static Scale parseScale(String text) {
        try {
            return Scale.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--scale: '" + text + "' is not one of full, fast", e);
        }
    }

    /** The scenario names, for the help text. */
    static final class ScenarioNames extends ArrayList<String> {
        ScenarioNames() {
            super(ChaosSuite.names());
        }
    }
}
