package io.marketprism.ops.tools;

import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.codec.RecordCodec;
import io.marketprism.schemas.codec.RecordDecodingException;
import io.marketprism.topology.processor.OutputHeaders;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record of the dead-letter topic: where it sits, and the {@link DeadLetter} it holds, or why it holds none.
 *
 * @param topic the dead-letter topic
 * @param partition the record's partition in it
 * @param offset the record's offset in it
 * @param letter the decoded dead letter; null when the record is not one
 * @param value the record's bytes, kept when {@code letter} is null
 * @param decodingError why the record is not a dead letter; null when it is one
 * @param exchangeHeader the record's {@code exchange} header, or null
 * @param timestamp the record's timestamp
 */
public record DeadLetterEntry(String topic, int partition, long offset, DeadLetter letter, byte[] value,
                              String decodingError, String exchangeHeader, Instant timestamp) {

    /** The entry of one consumed record; never throws for bad bytes. */
    public static DeadLetterEntry of(ConsumerRecord<byte[], byte[]> record) {
        String exchange = OutputHeaders.get(record.headers(), OutputHeaders.EXCHANGE);
        Instant timestamp = Instant.ofEpochMilli(record.timestamp());
        try {
            DeadLetter letter = RecordCodec.deadLetters().decode(record.value());
            return new DeadLetterEntry(record.topic(), record.partition(), record.offset(), letter, null, null,
                    exchange, timestamp);
        } catch (RecordDecodingException e) {
            return new DeadLetterEntry(record.topic(), record.partition(), record.offset(), null, record.value(),
                    e.getMessage(), exchange, timestamp);
        }
    }

    /** {@code <topic>-<partition>-<offset>}: the key of this entry's replay marker and its {@code replay-of} header. */
    public String coordinates() {
        return topic + "-" + partition + "-" + offset;
    }

    /** The exchange of the dead-lettered task, else the record's exchange header, else null. */
    public String exchange() {
        if (letter != null && letter.getTask() != null) {
            return letter.getTask().getExchange();
        }
        return exchangeHeader;
    }

    /** When the task was dead-lettered, or the record's timestamp when the record is no dead letter. */
    public Instant deadLetteredAt() {
        return letter == null ? timestamp : letter.getDeadLetteredAt();
    }

    /** The bytes of the record the dead letter gave up when they could not be decoded as a task, or null. */
    public byte[] rawValue() {
        if (letter == null || letter.getRawValue() == null) {
            return null;
        }
        ByteBuffer raw = letter.getRawValue().duplicate();
        byte[] bytes = new byte[raw.remaining()];
        raw.get(bytes);
        return bytes;
    }

    /** True when the record holds a dead letter with its task decoded, so it can be replayed as a task. */
    public boolean hasTask() {
        return letter != null && letter.getTask() != null;
    }
}
