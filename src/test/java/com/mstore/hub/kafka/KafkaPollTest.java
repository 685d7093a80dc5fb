package com.mstore.hub.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.mstore.hub.testing.TestBrokers;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommitFactory;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A batch as camel-kafka's batching consumer hands it over, from a consumer on the test Kafka: which
 * records a writer takes, and which it must not.
 */
class KafkaPollTest {

    private final String topic = "kafka-poll-" + UUID.randomUUID();
    private final TopicPartition partition = new TopicPartition(topic, 0);
    private final CamelContext camel = new DefaultCamelContext();

    @Test
    void aRecordFetchedAgainAfterARebalanceIsPassedOverOnceItsOffsetIsCommitted() {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            consumer.assign(List.of(partition));
            KafkaPoll first = KafkaPoll.of(List.of(record(consumer, 5), record(consumer, 6)));
            assertThat(first.records()).extracting(KafkaPoll.Record::offset).containsExactly(5L, 6L);
            first.markCommitted();

            // the partition given back to this consumer: its position went back to an older commit,
            // and record 6, waiting in camel-kafka's batch, comes again with the records after it
            KafkaPoll second = KafkaPoll.of(List.of(record(consumer, 6), record(consumer, 7)));
            assertThat(second.records()).extracting(KafkaPoll.Record::offset).containsExactly(7L);
            assertThat(second.committedAlready()).extracting(KafkaPoll.Record::offset).containsExactly(6L);
            assertThat(second.nextOffsets().get(partition).offset()).isEqualTo(8);
        }
    }

    @Test
    void withoutACommitNothingIsPassedOverAndEachConsumerKeepsItsOwn() {
        try (KafkaConsumer<String, byte[]> consumer = consumer(); KafkaConsumer<String, byte[]> other = consumer()) {
            consumer.assign(List.of(partition));
            other.assign(List.of(partition));
            KafkaPoll.of(List.of(record(consumer, 5))).markCommitted();
            // a batch that failed (never committed) is taken whole when it is read again
            assertThat(KafkaPoll.of(List.of(record(consumer, 9))).records()).hasSize(1);
            KafkaPoll readAgain = KafkaPoll.of(List.of(record(consumer, 9)));
            assertThat(readAgain.records()).hasSize(1);
            assertThat(readAgain.committedAlready()).isEmpty();
            // what one consumer committed says nothing about another's records
            assertThat(KafkaPoll.of(List.of(record(other, 5))).records()).hasSize(1);
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBrokers.hubSettings().get("mstore.kafka.brokers"),
                ConsumerConfig.GROUP_ID_CONFIG, "kafka-poll-test-" + UUID.randomUUID()), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** A record's exchange as camel-kafka makes it, with allowManualCommit: the consumer in its manual-commit header. */
    private Exchange record(KafkaConsumer<String, byte[]> consumer, long offset) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(KafkaConstants.TOPIC, topic);
        exchange.getMessage().setHeader(KafkaConstants.PARTITION, 0);
        exchange.getMessage().setHeader(KafkaConstants.OFFSET, offset);
        exchange.getMessage().setHeader(KafkaConstants.KEY, "TRX-" + offset);
        exchange.getMessage().setBody(("{\"transactionCode\": \"TRX-" + offset + "\"}").getBytes(StandardCharsets.UTF_8));
        exchange.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, new DefaultKafkaManualCommitFactory().newInstance(
                new KafkaManualCommitFactory.CamelExchangePayload(exchange, consumer, "test", null),
                new KafkaManualCommitFactory.KafkaRecordPayload(partition, offset, 1_000), null));
        return exchange;
    }
}
