package io.marketprism.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.codec.TaskReadResult.Accepted;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TaskJsonTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void shouldWriteEveryFieldOfTheShapeWithIsoTimestampsAndLeaveNullsOut() throws Exception {
        String written = TaskJson.write(SampleRecords.typicalTask());

        assertThat(json.readTree(written)).isEqualTo(json.readTree("{\"taskId\":\"t-1\",\"exchange\":\"binance\","
                + "\"market\":\"spot\",\"dataType\":\"ORDER_BOOK\",\"symbol\":\"BTCUSDT\",\"params\":{\"limit\":\"100\"},"
                + "\"priority\":\"HIGH\",\"createdAt\":\"2026-01-15T10:00:00.123Z\",\"attempt\":0}"));
    }

    @Test
    void shouldReadBackWhatItWrites() {
        CollectorTask task = CollectorTask.newBuilder(SampleRecords.typicalTask())
                .setWeight(7).setDeadline(SampleRecords.CREATED.plusSeconds(30)).setAttempt(1).build();

        TaskReadResult read = new TaskReader().read(TaskJson.write(task).getBytes(StandardCharsets.UTF_8),
                "tasks", 0, 1, 5L);

        assertThat(read).isEqualTo(new Accepted(task, TaskReadResult.Format.JSON));
    }

    @Test
    void shouldLeaveTheServicesOwnRetryStateOutOfTheShape() throws Exception {
        String written = TaskJson.write(SampleRecords.retriedTask());

        assertThat(json.readTree(written).fieldNames()).toIterable()
                .doesNotContain("attempts", "notBefore", "origin")
                .contains("weight", "deadline", "attempt");
    }
}
