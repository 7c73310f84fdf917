package io.marketprism.schemas.codec;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import java.time.Instant;

/**
 * Run by {@link AvroTrustTest} in a new JVM without any Avro system property: builds a task with defaults and
 * decodes it with the generated decoder (both need Avro to trust the generated classes, and touch no codec class),
 * then round-trips it through {@link AvroCodec}. Prints {@value #SUCCESS} and exits 0 when all of that works.
 */
final class FreshJvmProbe {

    static final String SUCCESS = "fresh JVM decoded the task";

    private FreshJvmProbe() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("SERIALIZABLE_PACKAGES=" + System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES"));
        CollectorTask task = CollectorTask.newBuilder()
                .setTaskId("probe")
                .setExchange("binance")
                .setDataType(DataType.TICKER)
                .setSymbol("ETHUSDT")
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .build();
        CollectorTask viaGeneratedDecoder = CollectorTask.fromByteBuffer(task.toByteBuffer());
        CollectorTask viaCodec = AvroCodec.tasks().decode(AvroCodec.tasks().encode(task));
        if (!task.equals(viaGeneratedDecoder) || !task.equals(viaCodec)) {
            System.out.println("decoded task differs: " + viaGeneratedDecoder + " / " + viaCodec);
            System.exit(2);
        }
        System.out.println(SUCCESS);
    }
}
