package io.marketprism.topology.config;

/**
 * The README's configuration table, rendered from the key declarations ({@link ServiceConfig#table()}) and placed
 * between the marker comments {@value #START} and {@value #END}. {@code ops/marketprism config-docs --write
 * README.md} rewrites it; a unit test fails when the README and the declarations disagree.
 */
public final class ConfigDocs {

    public static final String START = "<!-- config-table:start: generated from the key declarations by"
            + " `ops/marketprism config-docs --write README.md`; do not edit by hand -->";
    public static final String END = "<!-- config-table:end -->";

    private ConfigDocs() {
    }

    /** The Markdown table of every key. */
    public static String table() {
        return ServiceConfig.table().markdown();
    }

    /** {@code readme} with the text between the markers replaced by {@code table}; the rest is unchanged. */
    public static String withTable(String readme, String table) {
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("the README has no configuration table markers: put the lines\n"
                    + START + "\n" + END + "\nwhere the table belongs");
        }
        return readme.substring(0, start + START.length()) + "\n" + table + readme.substring(end);
    }
}
