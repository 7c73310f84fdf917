package io.marketprism.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.TaskResult;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

    private static final String HISTORY = "/io/marketprism/schemas/history/CollectorTask/";

    @Test
    void shouldDecodeATaskFromAProducerThatPredatesParamsDeadlineAndNotBefore() throws IOException {
        // Given a task written by an old producer, as a generic record of the old schema
        Schema v0 = historySchema("v0-test-only.avsc");
        assertThat(v0.getField("params")).isNull();
        GenericRecord old = new GenericRecordBuilder(v0)
                .set("taskId", "old-1")
                .set("exchange", "okx")
                .set("dataType", new GenericData.EnumSymbol(v0.getField("dataType").schema(), "TRADES"))
                .set("symbol", "BTC-USDT")
                .set("createdAt", 1_700_000_000_000L)
                .build();
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v0).encode(old).array();

        // When the current codec decodes it
        CollectorTask task = AvroCodec.tasks().decode(bytes);

        // Then the fields it had are kept and the new ones take their defaults
        assertThat(task.getTaskId()).isEqualTo("old-1");
        assertThat(task.getExchange()).isEqualTo("okx");
        assertThat(task.getMarket()).isEqualTo("spot");
        assertThat(task.getDataType()).isEqualTo(DataType.TRADES);
        assertThat(task.getPriority()).isEqualTo(Priority.NORMAL);
        assertThat(task.getCreatedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(task.getParams()).isEmpty();
        assertThat(task.getDeadline()).isNull();
        assertThat(task.getNotBefore()).isNull();
        assertThat(task.getOrigin()).isNull();
        assertThat(task.getAttempts()).isEmpty();
    }

    @Test
    void shouldDecodeATaskWrittenWithTheShippedVersionBeforeOrigin() throws IOException {
        Schema v1 = historySchema("v1.avsc");
        GenericRecord old = new GenericRecordBuilder(v1)
                .set("taskId", "v1-task")
                .set("exchange", "deribit")
                .set("dataType", new GenericData.EnumSymbol(v1.getField("dataType").schema(), "TICKER"))
                .set("symbol", "BTC-PERPETUAL")
                .set("createdAt", 1_700_000_000_000L)
                .set("deadline", 1_700_000_060_000L)
                .build();
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        CollectorTask task = AvroCodec.tasks().decode(bytes);

        assertThat(task.getDeadline()).isEqualTo(Instant.ofEpochMilli(1_700_000_060_000L));
        assertThat(task.getOrigin()).isNull();
    }

    @Test
    void shouldLetAnOldReaderWhoIsGivenTheNewSchemaDecodeACurrentTask() throws IOException {
        // Forward compatibility: the old schema can read what the current one writes, skipping new fields
        Schema v0 = historySchema("v0-test-only.avsc");
        BinaryMessageDecoder<GenericRecord> oldReader = new BinaryMessageDecoder<>(GenericData.get(), v0);
        oldReader.addSchema(CollectorTask.getClassSchema());

        GenericRecord decoded = oldReader.decode(AvroCodec.tasks().encode(SampleRecords.retriedTask()));

        assertThat(decoded.get("taskId")).hasToString("t-1");
        assertThat(decoded.get("attempt")).isEqualTo(2);
        assertThat(decoded.hasField("params")).isFalse();
    }

    @Test
    void shouldLetAReaderOfThePreviousReleaseReadANewDataTypeAsUnknown() throws IOException {
        // Consumers built before KLINES and LONG_SHORT_RATIO existed resolve them to the enum's default
        Schema previous = historySchema("v2.avsc");
        BinaryMessageDecoder<GenericRecord> oldReader = new BinaryMessageDecoder<>(GenericData.get(), previous);
        oldReader.addSchema(CollectorTask.getClassSchema());
        CollectorTask klines = SampleRecords.retriedTask();
        klines.setDataType(DataType.KLINES);

        GenericRecord decoded = oldReader.decode(AvroCodec.tasks().encode(klines));

        assertThat(decoded.get("dataType")).hasToString("UNKNOWN");
        assertThat(decoded.get("taskId")).hasToString("t-1");
    }

    @Test
    void shouldKnowEveryVersionOfTheTaskSchemaWithTheCurrentOneLast() throws IOException {
        List<Schema> versions = ShippedSchemaStore.shipped().versionsOf(CollectorTask.getClassSchema().getFullName());

        assertThat(versions).containsSubsequence(historySchema("v1.avsc"), CollectorTask.getClassSchema());
        assertThat(versions).contains(historySchema("v0-test-only.avsc"));
        assertThat(versions.get(versions.size() - 1)).isEqualTo(CollectorTask.getClassSchema());
    }

    @Test
    void shouldBeAbleToReadEveryShippedVersionWithTheCurrentSchema() {
        ShippedSchemaStore store = ShippedSchemaStore.shipped();
        for (Schema current : List.of(CollectorTask.getClassSchema(), AvroCodec.results().schema(),
                AvroCodec.deadLetters().schema())) {
            for (Schema version : store.versionsOf(current.getFullName())) {
                assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, version).getType())
                        .as("%s can be read as the current %s", version, current.getName())
                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    @Test
    void shouldFindSchemasByFingerprintAndReturnNullForUnknownOnes() {
        ShippedSchemaStore store = ShippedSchemaStore.shipped();
        Schema current = CollectorTask.getClassSchema();

        assertThat(store.findByFingerprint(ShippedSchemaStore.fingerprintOf(current))).isEqualTo(current);
        assertThat(store.findByFingerprint(42L)).isNull();
    }

    @Test
    void shouldEmbedTheCurrentSchemaOfEveryRecordInTheRecordsThatContainIt() {
        // avro-maven-plugin regenerates only the .avsc files that changed: after editing CollectorTask.avsc without
        // a clean build, DeadLetter would keep an old copy of it and silently drop the new fields.
        Schema deadLetterTask = DeadLetter.getClassSchema().getField("task").schema().getTypes().get(1);

        assertThat(fieldsOf(deadLetterTask)).as("fields of the CollectorTask inside DeadLetter; if they differ, "
                + "the generated classes are stale: rebuild with mvn clean").isEqualTo(fieldsOf(
                CollectorTask.getClassSchema()));
        assertThat(fieldsOf(TaskResult.getClassSchema().getField("attempts").schema().getElementType()))
                .isEqualTo(fieldsOf(Attempt.getClassSchema()));
        assertThat(deadLetterTask).isEqualTo(CollectorTask.getClassSchema());
    }

    private static List<String> fieldsOf(Schema record) {
        return record.getFields().stream().map(Schema.Field::name).toList();
    }

    private static Schema historySchema(String file) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(HISTORY + file)) {
            assertThat(in).as("history file %s", file).isNotNull();
            return new Schema.Parser().parse(in);
        }
    }
}
