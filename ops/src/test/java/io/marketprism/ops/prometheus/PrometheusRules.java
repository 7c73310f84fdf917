package io.marketprism.ops.prometheus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Prometheus rules shipped with the compose stack, {@code ops/docker/prometheus-rules.yml}, and their fixtures. */
public final class PrometheusRules {

    /** The directory holding the rules and their fixtures, from the ops module (where Maven runs its tests). */
    public static final Path DIRECTORY = Path.of("docker");
    public static final String RULES = "prometheus-rules.yml";
    public static final String FIXTURES = "prometheus-rules.test.yml";

    /**
     * A metric name of the service's scrape (ours, Kafka's, the JVM's), not part of a recording rule's name
     * ({@code level:metric:operation}) nor of a longer word.
     */
    private static final Pattern METRIC = Pattern.compile(
            "(?<![\\w:.])(?:marketprism|kafka|jvm|process|system)_[a-z0-9_]+(?![\\w:])");
    /** A line that starts another key of a rule: the expression before it is over. */
    private static final Pattern OTHER_KEY = Pattern.compile(
            "^-? *(record|alert|for|labels|annotations|summary|description|severity|long_window|name|rules):.*");

    private PrometheusRules() {
    }

    /**
     * Every metric name of the service's scrape the rules' expressions read (comments, summaries and descriptions
     * left out; Prometheus' own {@code up} too).
     */
    public static Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        boolean inExpression = false;
        for (String line : read(RULES).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("expr:")) {
                inExpression = true;
                trimmed = trimmed.substring("expr:".length());
            } else if (trimmed.isEmpty() || trimmed.startsWith("#") || OTHER_KEY.matcher(trimmed).matches()) {
                inExpression = false;
            }
            if (inExpression) {
                Matcher m = METRIC.matcher(trimmed.replaceAll("\\{[^}]*}", "{}"));
                while (m.find()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }

    private static String read(String file) {
        try {
            return Files.readString(DIRECTORY.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
