package io.marketprism.ops.chaos;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The chaos suite's figures: a table for standard output and {@code docs/reliability.md}, which says when, on what
 * machine and with which command they were measured.
 */
public final class ReliabilityReport {

    private static final String[] COLUMNS = {"Scenario", "Tasks", "Faults", "Duplicates", "Losses",
        "Open transactions", "Aborted (uncommitted only)", "Result share", "Verdict"};

    private static final String DEFINITIONS = """
            ## How the figures are measured

            - **Duplicates, losses**: produced records with more than one, or no, terminal record under \
            `read_committed`, read after waiting for every record to end (up to a limit per scenario).
            - **Open transactions**: output partitions whose last stable offset lags the high watermark once the \
            run has settled.
            - **Aborted (uncommitted only)**: results and dead letters a `read_uncommitted` reader sees that \
            `read_committed` does not: the output of transactions aborted by a kill or a fencing.
            - **Result share**: produced records that ended in a result (bad records included in the count).
            - **Failover**: with tasks flowing at 200 a second, the longest a task waited because of the kill: its \
            completion less the later of its creation and the kill.
            - **Results flowing again** (broker-restart, broker-failover): the same measure from the broker's stop \
            or kill; after the restart, less the time the broker was down.
            - **Flat** (soak): the least-squares line through the second half's samples grows across that half by \
            at most 10 % of their mean (heap after a full GC; changelog state, the latest record of every live key \
            read back from the changelogs) or 25 % (task latency p50 and p99 of each interval); falling is flat.
            - **Changelog topics on disk** (soak): the state plus what the broker's log cleaner has not compacted \
            yet; reported with its trend, not judged, since the cleaner's cadence sets the difference.
            - **Traffic left after**: from the outage's start to the last market-data call the endpoint received \
            before a pause of two seconds (health checks do not count).
            - **Traffic back after**: from the recovery to the end of the first one-second window with at least \
            half the endpoint's market-data calls per second of the ten seconds before the outage.
            - **Calls to a banned route**: calls that reached any host of a banned route more than 300 ms (and \
            1 s) after the first answer of its ban (Binance's 418), while the ban lasted.

            Run it yourself: `ops/marketprism chaos --scenario all` (about 30 minutes on two cores), or a list, \
            e.g. `--scenario kills,upstream`; `--scale fast` runs the reduced sizes of the integration tests. The \
            soak runs only when named (`--scenario soak`, or `all,soak`), 30 minutes unless `--soak-minutes` says \
            otherwise.
            """;

    private final List<ScenarioReport> reports;
    private final Instant finishedAt;
    private final String command;
    private final Scale scale;
    private final long seed;
    private final String loadAtStart;

    /**
     * @param loadAtStart the machine's load averages when the run started (see {@link #loadAverages()}): the
     *     figures depend on what else the machine was doing
     */
    public ReliabilityReport(List<ScenarioReport> reports, Instant finishedAt, String command, Scale scale,
                             long seed, String loadAtStart) {
        this.reports = List.copyOf(reports);
        this.finishedAt = finishedAt;
        this.command = command;
        this.scale = scale;
        this.seed = seed;
        this.loadAtStart = loadAtStart;
    }

    /** Whether every scenario passed. */
    public boolean passed() {
        return reports.stream().allMatch(ScenarioReport::passed);
    }

    /** The table with one row per scenario, then each scenario's figures, as plain text. */
    public String table() {
        List<String[]> rows = reports.stream().map(ReliabilityReport::row).toList();
        int[] widths = new int[COLUMNS.length];
        for (int c = 0; c < COLUMNS.length; c++) {
            widths[c] = COLUMNS[c].length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendPadded(out, COLUMNS, widths);
        rows.forEach(row -> appendPadded(out, row, widths));
        for (ScenarioReport report : reports) {
            out.append('\n').append(report.name()).append(": ").append(report.title()).append('\n');
            report.figures().forEach((name, value) -> out.append("  ").append(name).append(": ").append(value)
                    .append('\n'));
            report.failures().forEach(failure -> out.append("  FAILED: ").append(failure).append('\n'));
        }
        return out.toString();
    }

    private static void appendPadded(StringBuilder out, String[] cells, int[] widths) {
        for (int c = 0; c < cells.length; c++) {
            out.append(String.format(Locale.ROOT, "%-" + widths[c] + "s", cells[c])).append(c + 1 < cells.length
                    ? "  " : "\n");
        }
    }

    /** {@code docs/reliability.md}: what was run where, the table, each scenario's faults and figures. */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Reliability, measured\n\n");
        md.append("The chaos suite (`ops/marketprism chaos`) runs each scenario on its own embedded KRaft broker, ")
                .append("the simulated exchange and service instances as child JVMs, which it kills with SIGKILL or ")
                .append("freezes with SIGSTOP. A generator logs every record it produced; the verifier then reads ")
                .append("the results and dead letters with `read_committed` and checks that every produced record is ")
                .append("in exactly one terminal record (a record the service cannot read is matched by its ")
                .append("coordinates), that the last stable offset equals the high watermark on every output ")
                .append("partition (no transaction left open), and that each attempt history is numbered 1..n with a ")
                .append("success only as a result's last attempt. A `read_uncommitted` reader counts the records of ")
                .append("aborted transactions: they existed, and the committed view never showed them.\n\n");
        md.append("Latest run: `").append(command).append("`, finished ")
                .append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                        .format(finishedAt.atOffset(ZoneOffset.UTC)))
                .append(", scale ").append(scale.name().toLowerCase(Locale.ROOT)).append(", seed ").append(seed)
                .append(".\nMachine: ").append(machine()).append("; load averages (1, 5, 15 min) at the start ")
                .append(loadAtStart).append(", at the end ").append(loadAverages()).append(".\n")
                .append("One broker (replication factor 1), which proves the application's exactly-once logic, not ")
                .append("the broker's durability; broker-failover runs on three (replication factor 3, min ISR 2, ")
                .append("internal topics too). The simulated exchange runs in strict mode: the exchanges' ")
                .append("documented hosts, parameters, error shapes and bans, every limit ")
                .append(ChaosStack.LIMIT_SCALE).append(" times the documented one, and seeded faults.\n\n");
        md.append('|');
        for (String column : COLUMNS) {
            md.append(' ').append(column).append(" |");
        }
        md.append("\n|");
        md.append(" --- |".repeat(COLUMNS.length)).append('\n');
        for (ScenarioReport report : reports) {
            md.append('|');
            for (String cell : row(report)) {
                md.append(' ').append(cell).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        for (ScenarioReport report : reports) {
            Verdict verdict = report.verdict();
            md.append("## ").append(report.name()).append("\n\n").append(capitalised(report.title())).append(". ")
                    .append(report.expectation() == Expectation.VIOLATIONS
                            ? "Negative control: the verifier must find duplicates or losses."
                            : "Every task must end exactly once.")
                    .append(" Ran ").append(ChaosRun.seconds(report.elapsed())).append(".\n\n");
            md.append("- Faults:");
            if (report.faults().isEmpty()) {
                md.append(" none");
            }
            md.append('\n');
            report.faults().forEach(fault -> md.append("  - ").append(fault).append('\n'));
            md.append("- Records produced ").append(verdict.produced()).append(", results ").append(verdict.results())
                    .append(", dead letters ").append(verdict.deadLetters().isEmpty() ? "none"
                            : verdict.deadLetters().toString()).append(", failed attempts in the histories ")
                    .append(verdict.failedAttempts()).append('\n');
            report.figures().forEach((name, value) -> md.append("- ").append(capitalised(name)).append(": ")
                    .append(value).append('\n'));
            if (verdict.historyProblemCount() > 0) {
                md.append("- Attempt histories that do not add up: ").append(verdict.historyProblemCount())
                        .append(", e.g. ").append(verdict.historyProblems()).append('\n');
            }
            report.failures().forEach(failure -> md.append("- **Failed:** ").append(failure).append('\n'));
            md.append('\n');
        }
        md.append(DEFINITIONS);
        return md.toString();
    }

    /** Writes {@link #markdown()} to {@code file}. */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, markdown());
    }

    private static String[] row(ScenarioReport report) {
        Verdict verdict = report.verdict();
        String verdictText = report.passed() ? "pass" : "FAIL";
        if (report.expectation() == Expectation.VIOLATIONS) {
            verdictText += report.passed() ? " (violations caught)" : " (none caught)";
        }
        return new String[] {report.name(), Integer.toString(verdict.produced()),
            Integer.toString(report.faults().size()), Integer.toString(verdict.duplicated().size()),
            Integer.toString(verdict.missing().size()), Integer.toString(verdict.openTransactions().size()),
            Long.toString(verdict.abortedRecords()),
            String.format(Locale.ROOT, "%.3f %%", verdict.resultShare() * 100), verdictText};
    }

    private static String capitalised(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown". */
    public static String loadAverages() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** CPU model, cores, memory, operating system and Java version of this machine. */
    static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: the CPU model stays unknown
        }
        long memoryBytes = ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getTotalMemorySize() : 0;
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + (memoryBytes >> 30) + " GiB RAM, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + ", Java " + System.getProperty("java.version");
    }
}
