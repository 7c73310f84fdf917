package io.marketprism.ops.chaos;

import io.marketprism.ops.chaos.TaskFeed.ProducedRecord;
import io.marketprism.ops.tools.TaskFormat;
import io.marketprism.ops.tools.TaskGenerator;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.codec.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.apache.kafka.common.IsolationLevel;

/**
 * Scenario 8: bad records mixed with good tasks on the input topic. Every bad one must end in a dead letter that says
 * why (not a processing error), every good one in a result, and no stream thread may die.
 */
public final class MalformedInput implements Scenario {

    /**
     * The largest value the broker takes by default: its {@code message.max.bytes} (1 MiB + 12) holds the batch, so a
     * 1 MiB value less the record and batch overhead.
     */
    private static final int ONE_MEBIBYTE_LESS_OVERHEAD = 1024 * 1024 - 512;

    /** The kinds of bad record, each a function of a running number and the scenario's random source. */
    private enum BadRecord {
        RANDOM_BYTES((n, random) -> bytes(random, 200)),
        TRUNCATED_AVRO((n, random) -> {
            byte[] avro = TaskFormat.AVRO.encode(TaskGenerator.builder().seed(n).build().next());
            return Arrays.copyOf(avro, avro.length / 2);
        }),
        UNKNOWN_FINGERPRINT((n, random) -> {
            byte[] avro = TaskFormat.AVRO.encode(TaskGenerator.builder().seed(n).build().next());
            byte[] fingerprint = bytes(random, 8);
            System.arraycopy(fingerprint, 0, avro, 2, 8);
            return avro;
        }),
        WRONG_TYPES((n, random) -> utf8("{\"taskId\":\"bad-types-" + n + "\",\"exchange\":42,\"dataType\":\"TICKER\","
                + "\"symbol\":[\"BTCUSDT\"],\"priority\":{\"level\":1},\"deadline\":\"tomorrow\"}")),
        MISSING_FIELDS((n, random) -> utf8("{\"taskId\":\"bad-missing-" + n + "\",\"dataType\":\"TICKER\"}")),
        DEEPLY_NESTED_JSON((n, random) -> utf8("{\"taskId\":\"bad-nested-" + n + "\",\"params\":"
                + "[".repeat(100_000) + "]".repeat(100_000) + "}")),
        INVALID_UTF8((n, random) -> {
            byte[] json = utf8("{\"taskId\":\"bad-utf8-" + n + "\",\"exchange\":\"binance\",\"dataType\":\"TICKER\","
                    + "\"symbol\":\"BTC??\"}");
            int at = new String(json, StandardCharsets.UTF_8).indexOf("??");
            json[at] = (byte) 0xC3;
            json[at + 1] = (byte) 0x28;
            return json;
        }),
        EMPTY_VALUE((n, random) -> new byte[0]),
        ONE_MEGABYTE((n, random) -> {
            byte[] value = bytes(random, ONE_MEBIBYTE_LESS_OVERHEAD);
            value[0] = '{';
            return value;
        });

        private final BiFunction<Integer, Random, byte[]> make;

        BadRecord(BiFunction<Integer, Random, byte[]> make) {
            this.make = make;
        }

        String kind() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    @Override
    public String name() {
        return "malformed";
    }

    @Override
    public String title() {
        return "malformed records mixed with good tasks: each bad one dead-lettered with its reason, every good one "
                + "processed, no thread dies";
    }

    @Override
    public ScenarioReport run(ChaosRun run) throws Exception {
        int rounds = run.scale().pick(50, 5);
        int goodPerRound = run.scale().pick(200, 200);
        Random random = new Random(run.seed());
        run.startInstances(1, run.settings(Map.of()));
        TaskFeed feed = run.feed();
        int bad = 0;
        for (int round = 0; round < rounds; round++) {
            feed.produceTasks(goodPerRound / 2);
            for (BadRecord kind : BadRecord.values()) {
                feed.produceRaw(kind.make.apply(round, random), kind.kind());
                bad++;
            }
            feed.produceTasks(goodPerRound - goodPerRound / 2);
        }
        run.fault(bad + " bad records of " + BadRecord.values().length + " kinds among "
                + rounds * goodPerRound + " tasks");
        Verdict verdict = run.verify(Duration.ofMinutes(run.scale().pick(5, 2)));
        run.expectNoFailedAttempts(verdict);
        checkDeadLetters(run, feed.produced());
        int good = rounds * goodPerRound;
        if (verdict.results() != good) {
            run.fail(verdict.results() + " of " + good + " good tasks ended in a result");
        }
        return run.report(Expectation.EXACTLY_ONCE, verdict);
    }

    /** Every bad record's dead letter says why it was refused, and it is not a processing error. */
    private static void checkDeadLetters(ChaosRun run, List<ProducedRecord> produced) {
        Map<String, DeadLetter> byCoordinates = new HashMap<>();
        KafkaChecks.forEach(run.stack().bootstrap(), ChaosStack.DEAD_LETTERS, IsolationLevel.READ_COMMITTED, r -> {
            DeadLetter letter = AvroCodec.deadLetters().decode(r.value());
            byCoordinates.put(letter.getSourcePartition() + "/" + letter.getSourceOffset(), letter);
        });
        Map<String, String> reasonsByKind = new TreeMap<>();
        for (ProducedRecord record : produced) {
            if (record.kind().equals("task")) {
                continue;
            }
            DeadLetter letter = byCoordinates.get(record.partition() + "/" + record.offset());
            if (letter == null) {
                continue;  // the verdict counts it as missing
            }
            reasonsByKind.merge(record.kind(), letter.getReason().name(), (a, b) -> a.contains(b) ? a : a + "," + b);
            if (letter.getReason() == DeadLetterReason.PROCESSING_ERROR || letter.getDetail().isBlank()) {
                run.fail(record.kind() + " at " + record.id() + " dead-lettered " + letter.getReason() + " '"
                        + letter.getDetail() + "'");
            }
        }
        run.figure("dead-letter reasons", reasonsByKind.toString());
    }

    private static byte[] bytes(Random random, int size) {
        byte[] value = new byte[size];
        random.nextBytes(value);
        return value;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
