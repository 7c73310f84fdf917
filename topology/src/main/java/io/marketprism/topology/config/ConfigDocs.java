package io.marketprism.topology.config;

import io.marketprism.reliability.exchange.ExchangeDefinitions;
import java.util.function.Supplier;

/**
 * Tables of the docs rendered from declarations, each placed between its own marker comments: the README's
 * configuration table ({@link ServiceConfig#table()}) and the exchange tables of {@code docs/exchanges.md} (the
 * shipped exchange definitions, {@link ExchangeTables}). {@code ops/marketprism config-docs --write README.md
 * docs/exchanges.md} rewrites them; unit tests fail when a document and the declarations disagree.
 */
public enum ConfigDocs {

    /** Every configuration key: type, default, allowed values, meaning. */
    CONFIGURATION("config-table", "the key declarations", () -> ServiceConfig.table().markdown()),
    /** Every request and limit group of the shipped exchange definitions. */
    EXCHANGES("exchange-table", "the shipped exchange definitions",
            () -> ExchangeTables.markdown(ExchangeDefinitions.builtIn()));

    private final String marker;
    private final String source;
    private final Supplier<String> renderer;

    ConfigDocs(String marker, String source, Supplier<String> renderer) {
        this.marker = marker;
        this.source = source;
        this.renderer = renderer;
    }

    /** The comment the table starts after. */
    public String start() {
        return "<!-- " + marker + ":start: generated from " + source + " by `ops/marketprism config-docs --write"
                + " README.md docs/exchanges.md`; do not edit by hand -->";
    }

    /** The comment the table ends before. */
    public String end() {
        return "<!-- " + marker + ":end -->";
    }

    /** The table as Markdown. */
    public String table() {
        return renderer.get();
    }

    /** Whether {@code document} has this table's markers. */
    public boolean isIn(String document) {
        return document.contains(start()) && document.contains(end());
    }

    /** {@code document} with the text between this table's markers replaced by {@code table}; the rest unchanged. */
    public String withTable(String document, String table) {
        int start = document.indexOf(start());
        int end = document.indexOf(end());
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("the document has no " + marker + " markers: put the lines\n"
                    + start() + "\n" + end() + "\nwhere the table belongs");
        }
        return document.substring(0, start + start().length()) + "\n" + table + document.substring(end);
    }

    /**
     * {@code document} with every table whose markers it has regenerated.
     *
     * @throws IllegalArgumentException when it has the markers of none
     */
    public static String regenerate(String document) {
        String result = document;
        boolean any = false;
        for (ConfigDocs table : values()) {
            if (table.isIn(result)) {
                result = table.withTable(result, table.table());
                any = true;
            }
        }
        if (!any) {
            throw new IllegalArgumentException("the document has the markers of no generated table; put for example"
                    + " the lines\n" + CONFIGURATION.start() + "\n" + CONFIGURATION.end() + "\nwhere a table belongs");
        }
        return result;
    }
}
