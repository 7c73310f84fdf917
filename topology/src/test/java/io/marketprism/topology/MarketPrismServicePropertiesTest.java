package io.marketprism.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.topology.config.ServiceConfig;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class MarketPrismServicePropertiesTest {

    private static final String PRODUCER_BATCH_SIZE = StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG);

    @Test
    void shouldBatchProducerRecordsUpTo128KibByDefault() {
        // Given the default configuration
        ServiceConfig config = ServiceConfig.builder().build();

        // When the Streams properties are built
        Properties props = MarketPrismService.streamsProperties(config);

        // Then the producer batches up to 128 KiB per partition, under exactly-once
        assertThat(props.get(PRODUCER_BATCH_SIZE)).isEqualTo(131_072);
        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    }

    @Test
    void shouldLetTheUsersKafkaOverrideReplaceTheBatchSize() {
        // Given a user override of the producer's batch size
        ServiceConfig config = ServiceConfig.builder().kafka(PRODUCER_BATCH_SIZE, "16384").build();

        // When the Streams properties are built
        Properties props = MarketPrismService.streamsProperties(config);

        // Then the override wins
        assertThat(props.get(PRODUCER_BATCH_SIZE)).isEqualTo("16384");
    }
}
