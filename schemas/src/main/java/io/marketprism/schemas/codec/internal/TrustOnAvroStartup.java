package io.marketprism.schemas.codec.internal;

import io.marketprism.schemas.codec.AvroTrust;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Runs {@link AvroTrust#install()} as soon as Avro initialises its logical types, which it does while parsing the
 * first schema that has one: before any generated class of this jar can be built or decoded.
 *
 * <p>Avro finds it through {@code META-INF/services/org.apache.avro.LogicalTypes$LogicalTypeFactory}. The logical
 * type it registers, {@value #TYPE_NAME}, exists only to satisfy that interface and appears in no schema.
 */
public final class TrustOnAvroStartup implements LogicalTypes.LogicalTypeFactory {

    static final String TYPE_NAME = "io.marketprism.trust-schemas";

    /** Called by {@link java.util.ServiceLoader}; installs the trust. */
    public TrustOnAvroStartup() {
        AvroTrust.install();
    }

    @Override
    public String getTypeName() {
        return TYPE_NAME;
    }

    @Override
    public LogicalType fromSchema(Schema schema) {
        return new LogicalType(TYPE_NAME);
    }
}
