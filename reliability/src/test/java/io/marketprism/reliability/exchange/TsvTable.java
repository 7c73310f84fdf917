package io.marketprism.reliability.exchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tab-separated table as the documented-*.tsv files write it: one header line, then one row per line; lines that
 * start with {@code #} and blank lines are skipped. Every error names the file, the line and the column.
 */
final class TsvTable {

    private static final Pattern COST = Pattern.compile("([A-Za-z][A-Za-z0-9_-]*):(\\d+)");

    private final List<Row> rows;

    private TsvTable(List<Row> rows) {
        this.rows = rows;
    }

    /** Reads a table from the test classpath. */
    static TsvTable resource(String name, List<String> header) {
        try (InputStream in = TsvTable.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException(name + ": not found on the test classpath");
            }
            return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), header);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot be read", e);
        }
    }

    /** Parses {@code text}, whose first non-comment line must be exactly {@code header}. */
    static TsvTable parse(String file, String text, List<String> header) {
        List<Row> rows = new ArrayList<>();
        boolean headerSeen = false;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> cells = List.of(line.split("\t", -1));
            if (!headerSeen) {
                if (!cells.equals(header)) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": the header must be the columns "
                            + String.join(", ", header) + " separated by tabs, got " + String.join(", ", cells));
                }
                headerSeen = true;
                continue;
            }
            if (cells.size() != header.size()) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + header.size()
                        + " tab-separated columns expected, got " + cells.size());
            }
            rows.add(new Row(file, i + 1, header, cells));
        }
        if (!headerSeen) {
            throw new IllegalArgumentException(file + ": no header line");
        }
        return new TsvTable(Collections.unmodifiableList(rows));
    }

    List<Row> rows() {
        return rows;
    }

    /** One line of the table, read cell by cell under the column names of the header. */
    record Row(String file, int line, List<String> header, List<String> cells) {

        /** The trimmed cell of {@code column}, which must not be empty. */
        String text(String column) {
            String cell = cells.get(index(column)).strip();
            if (cell.isEmpty()) {
                throw error(column, "is empty; write '-' where nothing applies");
            }
            return cell;
        }

        /** The cell of {@code column}, which must be one of {@code allowed}. */
        String oneOf(String column, Set<String> allowed) {
            String cell = text(column);
            if (!allowed.contains(cell)) {
                throw error(column, "must be one of " + String.join(", ", allowed.stream().sorted().toList())
                        + ", got '" + cell + "'");
            }
            return cell;
        }

        /** The cell of {@code column}, which must match {@code pattern} ({@code what} says in words what that is). */
        String matching(String column, Pattern pattern, String what) {
            String cell = text(column);
            if (!pattern.matcher(cell).matches()) {
                throw error(column, "must be " + what + ", got '" + cell + "'");
            }
            return cell;
        }

        /** An https URL, optionally required to have no path (a host). */
        URI https(String column, boolean hostOnly) {
            String cell = text(column);
            URI uri;
            try {
                uri = new URI(cell);
            } catch (java.net.URISyntaxException e) {
                throw error(column, "must be an https URL, got '" + cell + "'");
            }
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw error(column, "must be an https URL, got '" + cell + "'");
            }
            if (hostOnly && (uri.getRawPath() != null && !uri.getRawPath().isEmpty() || uri.getRawQuery() != null)) {
                throw error(column, "must be a base URL without path or query, got '" + cell + "'");
            }
            return uri;
        }

        /** A comma-separated list of {@code rule:cost}, or {@code -} for none. */
        Map<String, Integer> costs(String column) {
            String cell = text(column);
            Map<String, Integer> costs = new LinkedHashMap<>();
            if (cell.equals("-")) {
                return costs;
            }
            for (String token : cell.split(",", -1)) {
                Matcher m = COST.matcher(token);
                if (!m.matches()) {
                    throw error(column, "must be comma-separated limit-rule:cost pairs such as REQUEST_WEIGHT:5, got '"
                            + token + "'");
                }
                if (costs.put(m.group(1), Integer.parseInt(m.group(2))) != null) {
                    throw error(column, "names the limit rule '" + m.group(1) + "' twice");
                }
            }
            return Collections.unmodifiableMap(costs);
        }

        /** Throws unless each of {@code columns} is {@code -}, as it must be for a row of {@code kind}. */
        void notApplicable(String kind, String... columns) {
            for (String column : columns) {
                if (!text(column).equals("-")) {
                    throw error(column, "must be '-' for a " + kind + " row, got '" + text(column) + "'");
                }
            }
        }

        IllegalArgumentException error(String column, String message) {
            return new IllegalArgumentException(file + ":" + line + ": column '" + column + "' " + message);
        }

        private int index(String column) {
            int index = header.indexOf(column);
            if (index < 0) {
                throw new IllegalStateException("no column '" + column + "' in " + file);
            }
            return index;
        }
    }
}
