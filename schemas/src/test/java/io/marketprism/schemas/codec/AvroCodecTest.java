package io.marketprism.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.RecordDecodingException.Problem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class AvroCodecTest {

    @Test
    void shouldRoundTripATaskWithEveryFieldSet() {
        CollectorTask task = SampleRecords.retriedTask();

        CollectorTask decoded = AvroCodec.tasks().decode(AvroCodec.tasks().encode(task));

        assertThat(decoded).isEqualTo(task);
    }

    @Test
    void shouldRoundTripAResult() {
        TaskResult result = SampleRecords.result();

        assertThat(AvroCodec.results().decode(AvroCodec.results().encode(result))).isEqualTo(result);
    }

    @Test
    void shouldRoundTripADeadLetterWithItsTaskAndRawValue() {
        DeadLetter deadLetter = SampleRecords.deadLetter();

        assertThat(AvroCodec.deadLetters().decode(AvroCodec.deadLetters().encode(deadLetter))).isEqualTo(deadLetter);
    }

    @Test
    void shouldEncodeTheSameBytesAsTheGeneratedClassesOwnEncoder() throws Exception {
        // Given records of every codec, the task with the custom-coded RecordOrigin inside
        CollectorTask task = SampleRecords.retriedTask();
        TaskResult result = SampleRecords.result();
        DeadLetter deadLetter = SampleRecords.deadLetter();

        // Then the codec writes what Avro's BinaryMessageEncoder over the generated model writes
        assertThat(AvroCodec.tasks().encode(SampleRecords.typicalTask()))
                .isEqualTo(bytesOf(SampleRecords.typicalTask().toByteBuffer()));
        assertThat(AvroCodec.tasks().encode(task)).isEqualTo(bytesOf(task.toByteBuffer()));
        assertThat(AvroCodec.results().encode(result)).isEqualTo(bytesOf(result.toByteBuffer()));
        assertThat(AvroCodec.deadLetters().encode(deadLetter)).isEqualTo(bytesOf(deadLetter.toByteBuffer()));
    }

    @Test
    void shouldEncodeCorrectlyOnAThreadWhoseLastEncodeFailedHalfway() throws Exception {
        CollectorTask missingSymbol = SampleRecords.retriedTask();
        missingSymbol.setSymbol(null);
        assertThatThrownBy(() -> AvroCodec.tasks().encode(missingSymbol)).isInstanceOf(IllegalArgumentException.class);

        byte[] next = AvroCodec.tasks().encode(SampleRecords.typicalTask());

        assertThat(next).isEqualTo(bytesOf(SampleRecords.typicalTask().toByteBuffer()));
    }

    @Test
    void shouldEncodeCorrectlyAfterARecordLargerThanTheRetainedBuffer() throws Exception {
        TaskResult large = SampleRecords.result();
        large.setBody("x".repeat(200_000));
        assertThat(AvroCodec.results().encode(large)).isEqualTo(bytesOf(large.toByteBuffer()));

        byte[] next = AvroCodec.results().encode(SampleRecords.result());

        assertThat(next).isEqualTo(bytesOf(SampleRecords.result().toByteBuffer()));
    }

    @Test
    void shouldDecodeFromAnArrayWithoutBeingConfusedByTheDecodeBeforeIt() {
        byte[] retried = AvroCodec.tasks().encode(SampleRecords.retriedTask());
        byte[] truncated = Arrays.copyOf(retried, retried.length - 7);
        assertThatThrownBy(() -> AvroCodec.tasks().decode(truncated)).isInstanceOf(RecordDecodingException.class);

        CollectorTask decoded = AvroCodec.tasks().decode(AvroCodec.tasks().encode(SampleRecords.typicalTask()));

        assertThat(decoded).isEqualTo(SampleRecords.typicalTask());
    }

    @Test
    void shouldWriteTheSingleObjectHeaderWithTheLittleEndianFingerprintOfTheCurrentSchema() {
        byte[] bytes = AvroCodec.tasks().encode(SampleRecords.typicalTask());

        assertThat(Arrays.copyOf(bytes, 2)).containsExactly(0xC3, 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(CollectorTask.getClassSchema()));
        assertThat(AvroCodec.looksLikeSingleObject(bytes)).isTrue();
    }

    @Test
    void shouldTellSingleObjectBytesFromOthers() {
        assertThat(AvroCodec.looksLikeSingleObject(null)).isFalse();
        assertThat(AvroCodec.looksLikeSingleObject(new byte[0])).isFalse();
        assertThat(AvroCodec.looksLikeSingleObject(bytes(0xC3, 0x01, 1, 2, 3))).as("too short for a fingerprint")
                .isFalse();
        assertThat(AvroCodec.looksLikeSingleObject(bytes(0xC3, 0x02, 0, 0, 0, 0, 0, 0, 0, 0))).isFalse();
        assertThat(AvroCodec.looksLikeSingleObject(bytes(0xC3, 0x01, 0, 0, 0, 0, 0, 0, 0, 0))).isTrue();
    }

    @Test
    void shouldRejectAnUnknownFingerprintNamingItInHex() {
        byte[] bytes = AvroCodec.tasks().encode(SampleRecords.typicalTask());
        ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0123456789abcdefL);

        assertThatThrownBy(() -> AvroCodec.tasks().decode(bytes))
                .isInstanceOfSatisfying(RecordDecodingException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.UNKNOWN_FINGERPRINT))
                .hasMessageContaining("unknown writer schema fingerprint 0x0123456789abcdef")
                .hasMessageContaining(AvroCodec.hex(
                        SchemaNormalization.parsingFingerprint64(CollectorTask.getClassSchema())));
    }

    @Test
    void shouldRejectARecordOfAnotherTypeNamingBoth() {
        byte[] resultBytes = AvroCodec.results().encode(SampleRecords.result());

        assertThatThrownBy(() -> AvroCodec.tasks().decode(resultBytes))
                .isInstanceOfSatisfying(RecordDecodingException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_RECORD_TYPE))
                .hasMessageContaining("is a version of io.marketprism.schemas.TaskResult, "
                        + "not of io.marketprism.schemas.CollectorTask");
    }

    @Test
    void shouldRejectATruncatedBody() {
        byte[] bytes = AvroCodec.tasks().encode(SampleRecords.retriedTask());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 7);

        assertThatThrownBy(() -> AvroCodec.tasks().decode(truncated))
                .isInstanceOfSatisfying(RecordDecodingException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.TRUNCATED))
                .hasMessageContaining("truncated CollectorTask");
    }

    @Test
    void shouldRejectBytesThatAreNotSingleObjectEncoded() {
        assertThatThrownBy(() -> AvroCodec.tasks().decode("{\"a\":1}".getBytes()))
                .isInstanceOfSatisfying(RecordDecodingException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.NOT_SINGLE_OBJECT))
                .hasMessageContaining("not Avro single-object encoded")
                .hasMessageContaining("7 bytes starting 7B 22 61");
        assertThatThrownBy(() -> AvroCodec.tasks().decode(null))
                .isInstanceOf(RecordDecodingException.class).hasMessageContaining("got null");
    }

    @Test
    void shouldRejectACorruptBody() {
        byte[] bytes = AvroCodec.tasks().encode(SampleRecords.typicalTask());
        bytes[AvroCodec.HEADER_LENGTH] = 1; // taskId length -1: a negative string length

        assertThatThrownBy(() -> AvroCodec.tasks().decode(bytes))
                .isInstanceOfSatisfying(RecordDecodingException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.CORRUPT_BODY))
                .hasMessageContaining("corrupt CollectorTask body");
    }

    @Test
    void shouldNameTheFieldWhenARecordCannotBeEncoded() {
        CollectorTask missingSymbol = SampleRecords.typicalTask();
        missingSymbol.setSymbol(null);

        assertThatThrownBy(() -> AvroCodec.tasks().encode(missingSymbol))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot encode CollectorTask")
                .hasMessageContaining("symbol");
    }

    @Test
    void shouldEncodeAndDecodeCorrectlyFromManyThreadsSharingOneCodec() throws Exception {
        AvroCodec<CollectorTask> codec = AvroCodec.tasks();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> mismatches = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                String prefix = "thread-" + thread + "-";
                Callable<Integer> work = () -> {
                    int wrong = 0;
                    for (int i = 0; i < 5_000; i++) {
                        CollectorTask task = CollectorTask.newBuilder(SampleRecords.retriedTask())
                                .setTaskId(prefix + i).setAttempt(i).build();
                        if (!codec.decode(codec.encode(task)).equals(task)) {
                            wrong++;
                        }
                    }
                    return wrong;
                };
                mismatches.add(pool.submit(work));
            }
            for (Future<Integer> result : mismatches) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
