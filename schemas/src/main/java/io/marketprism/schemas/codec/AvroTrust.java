package io.marketprism.schemas.codec;

import io.marketprism.schemas.CollectorTask;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Makes Avro 1.12 trust the generated classes of package {@code io.marketprism.schemas}.
 *
 * <p>Avro 1.12 refuses to load any class named by a schema unless it is trusted by
 * {@link ClassSecurityValidator#getGlobal()}; by default only a few {@code java.lang} types and whatever the system
 * properties {@code org.apache.avro.SERIALIZABLE_PACKAGES} / {@code SERIALIZABLE_CLASSES} name are. Without trust,
 * even {@code CollectorTask.newBuilder()...build()} fails on its enum defaults. {@link #install()} extends the global
 * predicate with exactly that one package, keeping whatever else was trusted.
 *
 * <p>Nobody needs to call it: the schemas jar registers a hook that Avro runs when it first parses a schema with a
 * logical type (every record here has one), and the codecs call it too.
 */
public final class AvroTrust {

    private static final String SCHEMAS_PACKAGE = CollectorTask.class.getPackageName();

    private AvroTrust() {
    }

    /** Adds the generated-records package to Avro's trusted classes, unless it already is trusted. Idempotent. */
    public static synchronized void install() {
        ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        if (!current.isTrusted(CollectorTask.class)) {
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current, AvroTrust::isGeneratedRecordType));
        }
    }

    private static boolean isGeneratedRecordType(Class<?> type) {
        return type.getPackageName().equals(SCHEMAS_PACKAGE);
    }
}
