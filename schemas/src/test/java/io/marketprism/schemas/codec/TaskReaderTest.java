package io.marketprism.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.codec.TaskReadResult.Accepted;
import io.marketprism.schemas.codec.TaskReadResult.Format;
import io.marketprism.schemas.codec.TaskReadResult.Rejected;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskReaderTest {

    private static final long RECORD_TIMESTAMP = 1_767_000_000_000L;

    private final TaskReader reader = new TaskReader();

    @Test
    void shouldAcceptTheDocumentedJsonExample() {
        CollectorTask task = acceptedJson("{\"taskId\":\"t-1\",\"exchange\":\"binance\",\"dataType\":\"ORDER_BOOK\","
                + "\"symbol\":\"BTCUSDT\",\"priority\":\"HIGH\",\"params\":{\"limit\":\"100\"}}");

        assertThat(task.getTaskId()).isEqualTo("t-1");
        assertThat(task.getExchange()).isEqualTo("binance");
        assertThat(task.getDataType()).isEqualTo(DataType.ORDER_BOOK);
        assertThat(task.getSymbol()).isEqualTo("BTCUSDT");
        assertThat(task.getPriority()).isEqualTo(Priority.HIGH);
        assertThat(task.getParams()).containsExactly(Map.entry("limit", "100"));
    }

    @Test
    void shouldFillEveryOptionalJsonFieldWithItsDefault() {
        CollectorTask task = acceptedJson("{\"exchange\":\"okx\",\"dataType\":\"TRADES\",\"symbol\":\"BTC-USDT\"}");

        assertThat(task.getTaskId()).isEqualTo("tasks-3-42");
        assertThat(task.getMarket()).isEqualTo("spot");
        assertThat(task.getPriority()).isEqualTo(Priority.NORMAL);
        assertThat(task.getParams()).isEmpty();
        assertThat(task.getWeight()).isNull();
        assertThat(task.getCreatedAt()).isEqualTo(Instant.ofEpochMilli(RECORD_TIMESTAMP));
        assertThat(task.getDeadline()).isNull();
        assertThat(task.getAttempt()).isZero();
        assertThat(task.getAttempts()).isEmpty();
        assertThat(task.getNotBefore()).isNull();
    }

    @Test
    void shouldDeriveTheSameTaskIdWhenTheSameRecordIsReadAgain() {
        byte[] json = "{\"exchange\":\"okx\",\"dataType\":\"TRADES\",\"symbol\":\"BTC-USDT\"}".getBytes();

        String first = ((Accepted) reader.read(json, "tasks", 1, 7, RECORD_TIMESTAMP)).task().getTaskId();
        String again = ((Accepted) reader.read(json, "tasks", 1, 7, RECORD_TIMESTAMP)).task().getTaskId();

        assertThat(first).isEqualTo("tasks-1-7").isEqualTo(again);
    }

    @Test
    void shouldNormaliseCaseAndWhitespaceAndTreatBlankOptionalFieldsAsMissing() {
        CollectorTask task = acceptedJson(" \n\t{\"taskId\":\"  \",\"exchange\":\" Binance \",\"market\":\"\","
                + "\"dataType\":\"order_book\",\"symbol\":\"BTCUSDT\",\"priority\":\"critical\",\"weight\":null}");

        assertThat(task.getTaskId()).isEqualTo("tasks-3-42");
        assertThat(task.getExchange()).isEqualTo("binance");
        assertThat(task.getMarket()).isEqualTo("spot");
        assertThat(task.getDataType()).isEqualTo(DataType.ORDER_BOOK);
        assertThat(task.getPriority()).isEqualTo(Priority.CRITICAL);
        assertThat(task.getWeight()).isNull();
    }

    @Test
    void shouldAcceptTimestampsAsEpochMillisOrIsoInstants() {
        CollectorTask task = acceptedJson("{\"exchange\":\"deribit\",\"dataType\":\"TICKER\",\"symbol\":\"BTC-PERPETUAL\","
                + "\"createdAt\":1767000000123,\"deadline\":\"2025-12-29T10:20:00.5+01:00\",\"weight\":20,\"attempt\":3}");

        assertThat(task.getCreatedAt()).isEqualTo(Instant.ofEpochMilli(1_767_000_000_123L));
        assertThat(task.getDeadline()).isEqualTo(Instant.parse("2025-12-29T09:20:00.500Z"));
        assertThat(task.getWeight()).isEqualTo(20);
        assertThat(task.getAttempt()).isEqualTo(3);
    }

    @Test
    void shouldTurnScalarParamsIntoStrings() {
        CollectorTask task = acceptedJson("{\"exchange\":\"binance\",\"dataType\":\"ORDER_BOOK\",\"symbol\":\"BTCUSDT\","
                + "\"params\":{\"limit\":100,\"step\":0.10,\"big\":1e3,\"snapshot\":true,\"side\":\"bid\"}}");

        assertThat(task.getParams()).containsOnly(Map.entry("limit", "100"), Map.entry("step", "0.10"),
                Map.entry("big", "1000"), Map.entry("snapshot", "true"), Map.entry("side", "bid"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"dataType":"TRADES","symbol":"X"}                                  | missing required field 'exchange'
            {"exchange":"okx","symbol":"X"}                                     | missing required field 'dataType'
            {"exchange":"okx","dataType":"TRADES"}                              | missing required field 'symbol'
            {"exchange":"okx","dataType":"TRADES","symbol":"  "}                | missing required field 'symbol'
            {"exchange":null,"dataType":"TRADES","symbol":"X"}                  | missing required field 'exchange'
            {"exchange":7,"dataType":"TRADES","symbol":"X"}                     | field 'exchange': expected a string but got number
            {"exchange":"okx","dataType":"CANDLES","symbol":"X"}                | field 'dataType': 'CANDLES' is not one of ORDER_BOOK, TRADES, TICKER, FUNDING_RATE, OPEN_INTEREST
            {"exchange":"okx","dataType":"UNKNOWN","symbol":"X"}                | field 'dataType': 'UNKNOWN' is not one of ORDER_BOOK, TRADES, TICKER, FUNDING_RATE, OPEN_INTEREST
            {"exchange":"okx","dataType":["TRADES"],"symbol":"X"}               | field 'dataType': expected a string but got array
            {"exchange":"okx","dataType":"TRADES","symbol":"X","priority":"URGENT"} | field 'priority': 'URGENT' is not one of CRITICAL, HIGH, NORMAL, LOW
            {"exchange":"okx","dataType":"TRADES","symbol":"X","params":[1]}    | field 'params': expected an object but got array
            {"exchange":"okx","dataType":"TRADES","symbol":"X","params":{"d":{}}} | field 'params': value of 'd' must be a string, number or boolean, got object
            {"exchange":"okx","dataType":"TRADES","symbol":"X","params":{"d":null}} | field 'params': value of 'd' must be a string, number or boolean, got null
            {"exchange":"okx","dataType":"TRADES","symbol":"X","weight":0}      | field 'weight': must be a positive integer, got 0
            {"exchange":"okx","dataType":"TRADES","symbol":"X","weight":1.5}    | field 'weight': expected an integer but got number
            {"exchange":"okx","dataType":"TRADES","symbol":"X","weight":"5"}    | field 'weight': expected an integer but got string
            {"exchange":"okx","dataType":"TRADES","symbol":"X","weight":9999999999} | field 'weight': 9999999999 is out of the 32-bit integer range
            {"exchange":"okx","dataType":"TRADES","symbol":"X","attempt":-1}    | field 'attempt': must not be negative, got -1
            {"exchange":"okx","dataType":"TRADES","symbol":"X","createdAt":"yesterday"} | field 'createdAt': 'yesterday' is neither epoch millis nor an ISO-8601 instant
            {"exchange":"okx","dataType":"TRADES","symbol":"X","createdAt":true} | field 'createdAt': expected epoch millis or an ISO-8601 instant but got boolean
            {"exchange":"okx","dataType":"TRADES","symbol":"X","createdAt":1000,"deadline":999} | field 'deadline': 1970-01-01T00:00:00.999Z is before createdAt 1970-01-01T00:00:01Z
            {"exchange":"okx","dataType":"TRADES","symbol":"X","sym":"Y"}       | unknown field 'sym'; allowed fields: taskId, exchange, market, dataType, symbol, params, priority, weight, createdAt, deadline, attempt
            {"exchange":"okx","dataType":"TRADES","symbol":"X","a":1,"nextTry":2} | unknown fields 'a', 'nextTry'; allowed fields:
            {"exchange":"okx","dataType":"TRADES"," symbol":"X"}                | missing required field 'symbol'
            """)
    void shouldRejectInvalidJsonTasksNamingTheFieldAndTheProblem(String json, String expectedDetail) {
        Rejected rejected = rejected(json.getBytes(StandardCharsets.UTF_8));

        assertThat(rejected.reason()).isEqualTo(DeadLetterReason.INVALID);
        assertThat(rejected.detail()).contains(expectedDetail);
    }

    @Test
    void shouldReportEveryProblemOfOneJsonTask() {
        Rejected rejected = rejected("{\"exchange\":\"\",\"dataType\":\"BOOK\",\"priority\":\"URGENT\"}".getBytes());

        assertThat(rejected.detail()).isEqualTo("missing required field 'exchange'; "
                + "field 'dataType': 'BOOK' is not one of ORDER_BOOK, TRADES, TICKER, FUNDING_RATE, OPEN_INTEREST, KLINES, "
                + "LONG_SHORT_RATIO; "
                + "missing required field 'symbol'; field 'priority': 'URGENT' is not one of CRITICAL, HIGH, NORMAL, LOW");
    }

    @Test
    void shouldRejectAJsonTaskWithoutCreatedAtFromARecordWithoutTimestamp() {
        byte[] json = "{\"exchange\":\"okx\",\"dataType\":\"TRADES\",\"symbol\":\"X\"}".getBytes();

        TaskReadResult result = reader.read(json, "tasks", 0, 0, -1);

        assertThat(result).isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.detail())
                .startsWith("missing required field 'createdAt'").contains("no timestamp"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"exchange":"okx",                                        | invalid JSON
            {"exchange":"okx","dataType":"TRADES","symbol":"X"} {}     | invalid JSON
            {"exchange":"okx","exchange":"binance"}                   | invalid JSON: Duplicate field 'exchange'
            {"exchange":"okx","params":{"limit":"1","limit":"2"}}     | invalid JSON: Duplicate field 'limit'
            {"exchange":"okx","extra":1,"extra":2}                    | invalid JSON: Duplicate field 'extra'
            {"exchange":"okx","attempts":[{"number":1,"number":2}]}   | invalid JSON: Duplicate field 'number'
            {'exchange':'okx'}                                        | invalid JSON
            [{"exchange":"okx"}]                                      | neither Avro single-object encoding
            exchange=okx                                              | neither Avro single-object encoding
            """)
    void shouldRejectUndecodableJsonAsMalformed(String value, String expectedDetail) {
        Rejected rejected = rejected(value.getBytes(StandardCharsets.UTF_8));

        assertThat(rejected.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(rejected.detail()).contains(expectedDetail);
    }

    @Test
    void shouldRejectMissingEmptyAndBinaryValuesAsMalformed() {
        assertThat(rejected(null).detail()).isEqualTo("the record has no value");
        assertThat(rejected(new byte[0]).detail()).isEqualTo("the record value is empty");
        assertThat(rejected(new byte[] {0, 1, 2}).detail()).contains("3 bytes starting 00 01 02");
        assertThat(rejected(new byte[] {(byte) 0xC3, 1, 2}).detail()).contains("not Avro single-object encoded");
        assertThat(rejected("{\"symbol\":\"\u00ff".getBytes(StandardCharsets.ISO_8859_1)).reason())
                .isEqualTo(DeadLetterReason.MALFORMED);
    }

    @Test
    void shouldAcceptAnAvroTask() {
        CollectorTask task = SampleRecords.retriedTask();

        TaskReadResult result = reader.read(AvroCodec.tasks().encode(task), "tasks", 3, 42, RECORD_TIMESTAMP);

        assertThat(result).isEqualTo(new Accepted(task, Format.AVRO));
    }

    @Test
    void shouldLowerCaseTheExchangeOfAnAvroTask() {
        CollectorTask task = CollectorTask.newBuilder(SampleRecords.typicalTask()).setExchange("Binance").build();

        TaskReadResult result = reader.read(AvroCodec.tasks().encode(task), "tasks", 3, 42, RECORD_TIMESTAMP);

        assertThat(result).isInstanceOfSatisfying(Accepted.class,
                a -> assertThat(a.task().getExchange()).isEqualTo("binance"));
    }

    @Test
    void shouldRejectAnAvroTaskWithBlankFieldsOrUnknownDataTypeAsInvalid() {
        CollectorTask task = CollectorTask.newBuilder(SampleRecords.typicalTask())
                .setExchange(" ").setSymbol("").setDataType(DataType.UNKNOWN).build();

        Rejected rejected = rejected(AvroCodec.tasks().encode(task));

        assertThat(rejected.reason()).isEqualTo(DeadLetterReason.INVALID);
        assertThat(rejected.detail()).isEqualTo("missing required field 'exchange'; "
                + "field 'dataType': 'UNKNOWN' is not one of ORDER_BOOK, TRADES, TICKER, FUNDING_RATE, OPEN_INTEREST, KLINES, "
                + "LONG_SHORT_RATIO; "
                + "missing required field 'symbol'");
    }

    @Test
    void shouldRejectAnAvroTaskWithAnUnknownFingerprintAsMalformed() {
        byte[] bytes = AvroCodec.tasks().encode(SampleRecords.typicalTask());
        ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L);

        Rejected rejected = rejected(bytes);

        assertThat(rejected.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(rejected.detail()).contains("unknown writer schema fingerprint 0xffffffffffffffff");
    }

    @Test
    void shouldRejectATruncatedAvroTaskAsMalformed() {
        byte[] bytes = AvroCodec.tasks().encode(SampleRecords.typicalTask());

        Rejected rejected = rejected(Arrays.copyOf(bytes, bytes.length - 3));

        assertThat(rejected.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(rejected.detail()).contains("truncated");
    }

    private CollectorTask acceptedJson(String json) {
        TaskReadResult result = reader.read(json.getBytes(StandardCharsets.UTF_8), "tasks", 3, 42, RECORD_TIMESTAMP);
        assertThat(result).isInstanceOf(Accepted.class);
        assertThat(((Accepted) result).format()).isEqualTo(Format.JSON);
        return ((Accepted) result).task();
    }

    private Rejected rejected(byte[] value) {
        TaskReadResult result = reader.read(value, "tasks", 3, 42, RECORD_TIMESTAMP);
        assertThat(result).isInstanceOf(Rejected.class);
        return (Rejected) result;
    }
}
