package io.marketprism.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.AttemptOutcome;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.ErrorClass;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.RecordOrigin;
import io.marketprism.schemas.codec.TaskReadResult.Accepted;
import io.marketprism.schemas.codec.TaskReadResult.Rejected;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

class TaskReaderPropertiesTest {

    private static final long LATEST_MILLIS = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

    private final TaskReader reader = new TaskReader();

    @Property(tries = 3000)
    void anyValueIsEitherAcceptedOrRejectedWithADetailAndNeverThrows(@ForAll("recordValues") byte[] value) {
        TaskReadResult result = reader.read(value, "tasks", 0, 0, 0);

        assertThat(result).isInstanceOfAny(Accepted.class, Rejected.class);
        if (result instanceof Rejected rejected) {
            assertThat(rejected.detail()).isNotBlank();
        }
        Statistics.label("outcome").collect(result instanceof Rejected rejected ? rejected.reason().name()
                        : ((Accepted) result).format().name())
                .coverage(coverage -> {
                    coverage.check("AVRO").count(n -> n > 0);
                    coverage.check("JSON").count(n -> n > 0);
                    coverage.check("MALFORMED").count(n -> n > 0);
                    coverage.check("INVALID").count(n -> n > 0);
                });
    }

    @Property
    void decodingAnEncodedTaskGivesItBack(@ForAll("anyTasks") CollectorTask task) {
        assertThat(AvroCodec.tasks().decode(AvroCodec.tasks().encode(task))).isEqualTo(task);
    }

    @Property
    void encodingGivesTheBytesOfTheGeneratedClassesOwnEncoder(@ForAll("anyTasks") CollectorTask task)
            throws Exception {
        assertThat(AvroCodec.tasks().encode(task)).isEqualTo(AvroCodecTest.bytesOf(task.toByteBuffer()));
    }

    @Property
    void readingAWrittenJsonTaskGivesItBack(@ForAll("jsonTasks") CollectorTask task) {
        byte[] json = TaskJson.write(task).getBytes(StandardCharsets.UTF_8);

        assertThat(reader.read(json, "tasks", 0, 0, 0)).isEqualTo(new Accepted(task, TaskReadResult.Format.JSON));
    }

    @Provide
    Arbitrary<byte[]> recordValues() {
        Arbitrary<byte[]> avro = anyTasks().map(AvroCodec.tasks()::encode);
        Arbitrary<byte[]> json = jsonTasks().map(task -> TaskJson.write(task).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> avroHeaderAndNoise = Combinators.combine(avro, Arbitraries.bytes().array(byte[].class)
                .ofMaxSize(200)).as((valid, noise) -> concat(Arrays.copyOf(valid, AvroCodec.HEADER_LENGTH), noise));
        Arbitrary<byte[]> jsonLikeText = Arbitraries.strings().withChars("{}[]\":,0123456789.eE-+ abtrunl\\")
                .ofMaxLength(60).map(text -> ("{" + text).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
                Tuple.of(4, mutated(avro)),
                Tuple.of(3, mutated(json)),
                Tuple.of(2, avroHeaderAndNoise),
                Tuple.of(2, jsonLikeText));
    }

    /** Any task the codec can carry, including odd strings and an UNKNOWN data type. */
    @Provide
    Arbitrary<CollectorTask> anyTasks() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '\uD7FF').ofMaxLength(24);
        return Builders.withBuilder(CollectorTask::newBuilder)
                .use(text).in(CollectorTask.Builder::setTaskId)
                .use(text).in(CollectorTask.Builder::setExchange)
                .use(text).in(CollectorTask.Builder::setMarket)
                .use(Arbitraries.of(DataType.class)).in(CollectorTask.Builder::setDataType)
                .use(text).in(CollectorTask.Builder::setSymbol)
                .use(Arbitraries.maps(text, text).ofMaxSize(3)).in(CollectorTask.Builder::setParams)
                .use(Arbitraries.of(Priority.class)).in(CollectorTask.Builder::setPriority)
                .use(Arbitraries.integers().injectNull(0.3)).in(CollectorTask.Builder::setWeight)
                .use(instants()).in(CollectorTask.Builder::setCreatedAt)
                .use(instants().injectNull(0.5)).in(CollectorTask.Builder::setDeadline)
                .use(Arbitraries.integers()).in(CollectorTask.Builder::setAttempt)
                .use(attempts().list().ofMaxSize(3)).in(CollectorTask.Builder::setAttempts)
                .use(instants().injectNull(0.5)).in(CollectorTask.Builder::setNotBefore)
                .use(origins().injectNull(0.5)).in(CollectorTask.Builder::setOrigin)
                .build(CollectorTask.Builder::build);
    }

    /** Valid, normalised tasks in the JSON shape: no retry state, trimmed names, lower-case exchange. */
    @Provide
    Arbitrary<CollectorTask> jsonTasks() {
        Arbitrary<String> name = Arbitraries.strings().alpha().numeric().withChars("-_./:\u00e9\u4e2d")
                .ofMinLength(1).ofMaxLength(16);
        return Builders.withBuilder(CollectorTask::newBuilder)
                .use(name).in(CollectorTask.Builder::setTaskId)
                .use(Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10))
                .in(CollectorTask.Builder::setExchange)
                .use(Arbitraries.of("spot", "perp", "futures", "option")).in(CollectorTask.Builder::setMarket)
                .use(Arbitraries.of(TaskRules.REQUESTABLE_DATA_TYPES)).in(CollectorTask.Builder::setDataType)
                .use(name).in(CollectorTask.Builder::setSymbol)
                .use(Arbitraries.maps(Arbitraries.strings().ofMaxLength(8), Arbitraries.strings().ofMaxLength(8))
                        .ofMaxSize(3)).in(CollectorTask.Builder::setParams)
                .use(Arbitraries.of(Priority.class)).in(CollectorTask.Builder::setPriority)
                .use(Arbitraries.integers().greaterOrEqual(1).injectNull(0.3)).in(CollectorTask.Builder::setWeight)
                .use(instants()).in(CollectorTask.Builder::setCreatedAt)
                .use(instants().injectNull(0.5)).in(CollectorTask.Builder::setDeadline)
                .use(Arbitraries.integers().between(0, 1000)).in(CollectorTask.Builder::setAttempt)
                .build(CollectorTask.Builder::build)
                .filter(task -> task.getDeadline() == null || !task.getDeadline().isBefore(task.getCreatedAt()));
    }

    private static Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(0, LATEST_MILLIS).map(Instant::ofEpochMilli);
    }

    private static Arbitrary<Attempt> attempts() {
        return Builders.withBuilder(Attempt::newBuilder)
                .use(Arbitraries.integers().between(1, 20)).in(Attempt.Builder::setNumber)
                .use(Arbitraries.strings().alpha().ofMaxLength(12)).in(Attempt.Builder::setEndpoint)
                .use(instants()).in(Attempt.Builder::setStartedAt)
                .use(Arbitraries.longs().between(0, 60_000)).in(Attempt.Builder::setLatencyMs)
                .use(Arbitraries.of(AttemptOutcome.class)).in(Attempt.Builder::setOutcome)
                .use(Arbitraries.of(ErrorClass.class).injectNull(0.5)).in(Attempt.Builder::setErrorClass)
                .use(Arbitraries.integers().between(100, 599).injectNull(0.5)).in(Attempt.Builder::setHttpStatus)
                .use(Arbitraries.strings().ofMaxLength(20).injectNull(0.5)).in(Attempt.Builder::setMessage)
                .use(Arbitraries.longs().between(0, 10_000).injectNull(0.5)).in(Attempt.Builder::setDelayBeforeNextMs)
                .build(Attempt.Builder::build);
    }

    private static Arbitrary<RecordOrigin> origins() {
        return Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
                Arbitraries.integers().between(0, 63), Arbitraries.longs().greaterOrEqual(0))
                .as(RecordOrigin::new);
    }

    /** The bytes with a few of them overwritten and, sometimes, the tail cut off. */
    private static Arbitrary<byte[]> mutated(Arbitrary<byte[]> valid) {
        Arbitrary<List<Integer>> positions = Arbitraries.integers().greaterOrEqual(0).list().ofMaxSize(4);
        Arbitrary<List<Byte>> replacements = Arbitraries.bytes().list().ofSize(4);
        Arbitrary<Double> keptFraction = Arbitraries.doubles().between(0, 2);
        return Combinators.combine(valid, positions, replacements, keptFraction).as((bytes, at, with, kept) -> {
            byte[] copy = bytes.clone();
            for (int i = 0; i < at.size(); i++) {
                copy[at.get(i) % copy.length] = with.get(i);
            }
            return Arrays.copyOf(copy, (int) Math.max(1, Math.min(copy.length, copy.length * kept)));
        });
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
