package io.marketprism.schemas.codec;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.TaskResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Every version of every record schema shipped on the classpath, by CRC-64-AVRO fingerprint: the current schemas of
 * {@link CollectorTask}, {@link TaskResult} and {@link DeadLetter}, plus the earlier versions listed in each
 * {@value #HISTORY_INDEX} resource (see that file for the format). Immutable and thread-safe.
 */
public final class ShippedSchemaStore implements SchemaStore {

    /** Classpath location of the history indexes; every resource with this name is read. */
    public static final String HISTORY_INDEX = "io/marketprism/schemas/history/index.txt";

    private static final String HISTORY_FOLDER = "io/marketprism/schemas/history/";

    private final Map<Long, Schema> byFingerprint;

    private ShippedSchemaStore(Map<Long, Schema> byFingerprint) {
        this.byFingerprint = Collections.unmodifiableMap(byFingerprint);
    }

    /** The store of this jar's schemas, loaded once from the class loader that loaded this class. */
    public static ShippedSchemaStore shipped() {
        return Shipped.INSTANCE;
    }

    /** The schema with this fingerprint, or null when none shipped has it (the contract of {@link SchemaStore}). */
    @Override
    public Schema findByFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    /** All shipped versions of the named record, history first (in index order), the current version last. */
    public List<Schema> versionsOf(String recordFullName) {
        return byFingerprint.values().stream().filter(s -> s.getFullName().equals(recordFullName)).toList();
    }

    /** The fingerprint single-object encoding puts in front of a record written with this schema. */
    public static long fingerprintOf(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    private static ShippedSchemaStore load(ClassLoader loader) {
        Map<Long, Schema> schemas = new LinkedHashMap<>();
        for (String entry : historyEntries(loader)) {
            Schema schema = parseHistoryFile(loader, entry);
            schemas.putIfAbsent(fingerprintOf(schema), schema);
        }
        for (Schema current : List.of(CollectorTask.getClassSchema(), TaskResult.getClassSchema(),
                DeadLetter.getClassSchema())) {
            long fingerprint = fingerprintOf(current);
            schemas.remove(fingerprint);
            schemas.put(fingerprint, current);
        }
        return new ShippedSchemaStore(schemas);
    }

    private static List<String> historyEntries(ClassLoader loader) {
        List<String> entries = new ArrayList<>();
        try {
            Enumeration<URL> indexes = loader.getResources(HISTORY_INDEX);
            while (indexes.hasMoreElements()) {
                URL index = indexes.nextElement();
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(index.openStream(), StandardCharsets.UTF_8))) {
                    reader.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
                            .forEach(entries::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema history index " + HISTORY_INDEX, e);
        }
        return entries;
    }

    private static Schema parseHistoryFile(ClassLoader loader, String entry) {
        String resource = HISTORY_FOLDER + entry;
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("schema history file " + resource + ", listed in " + HISTORY_INDEX
                    + ", is not on the classpath");
        }
        try (in) {
            return new Schema.Parser().parse(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot load schema history file " + resource + ": " + e.getMessage(), e);
        }
    }

    private static final class Shipped {
        static final ShippedSchemaStore INSTANCE = load(ShippedSchemaStore.class.getClassLoader());
    }
}
