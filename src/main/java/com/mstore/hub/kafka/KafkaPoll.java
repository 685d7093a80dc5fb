package com.mstore.hub.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records camel-kafka's batching consumer hands a route in one exchange (a {@code List<Exchange>},
 * one per record), and the consumer that polled them.
 *
 * <p>Read on the consumer's own thread (a batching route runs on it, and {@code KafkaConsumer} is not
 * thread-safe), it keeps what a writer needs later: the group metadata of this moment (generation
 * and member id, which KIP-447 fencing checks when offsets are committed in a transaction) and only
 * the records of partitions this consumer still owns. camel-kafka gathers a batch over several
 * polls, so a rebalance between two of them can leave records of a partition that another
 * instance now reads from the last committed offset: those are left to it, neither processed nor
 * committed here.
 */
public final class KafkaPoll {

    /** One record: where it came from, its key and value as received, and its headers. */
    public record Record(String topic, int partition, long offset, String key, byte[] value, Message message) {

        public TopicPartition topicPartition() {
            return new TopicPartition(topic, partition);
        }

        /** A header as text (Kafka headers are bytes), or null. */
        public String header(String name) {
            Object value = message.getHeader(name);
            if (value == null) {
                return null;
            }
            return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
        }
    }

    private final List<Record> records;
    private final List<Record> leftToNewOwner;
    private final Consumer<?, ?> consumer;
    private final ConsumerGroupMetadata groupMetadata;

    private KafkaPoll(List<Record> records, List<Record> leftToNewOwner, Consumer<?, ?> consumer,
                      ConsumerGroupMetadata groupMetadata) {
        this.records = records;
        this.leftToNewOwner = leftToNewOwner;
        this.consumer = consumer;
        this.groupMetadata = groupMetadata;
    }

    /**
     * The records of a batching consumer's exchange. The route's Kafka endpoint must set
     * {@code allowManualCommit=true}: the consumer travels in each record's manual-commit header.
     */
    public static KafkaPoll of(List<?> polled) {
        List<Record> all = new ArrayList<>(polled.size());
        Consumer<?, ?> consumer = null;
        for (Object item : polled) {
            Message message = ((Exchange) item).getMessage();
            if (consumer == null && message.getHeader(KafkaConstants.MANUAL_COMMIT) instanceof DefaultKafkaManualCommit commit) {
                consumer = commit.getCamelExchangePayload().consumer;
            }
            all.add(new Record(message.getHeader(KafkaConstants.TOPIC, String.class),
                    message.getHeader(KafkaConstants.PARTITION, Integer.class),
                    message.getHeader(KafkaConstants.OFFSET, Long.class),
                    message.getHeader(KafkaConstants.KEY, String.class),
                    message.getBody(byte[].class), message));
        }
        if (consumer == null) {
            if (all.isEmpty()) {
                return new KafkaPoll(List.of(), List.of(), null, null);
            }
            throw new IllegalStateException("the Kafka endpoint of this route needs allowManualCommit=true");
        }
        Set<TopicPartition> owned = consumer.assignment();
        List<Record> kept = new ArrayList<>(all.size());
        List<Record> left = new ArrayList<>();
        for (Record record : all) {
            (owned.contains(record.topicPartition()) ? kept : left).add(record);
        }
        return new KafkaPoll(Collections.unmodifiableList(kept), Collections.unmodifiableList(left), consumer,
                consumer.groupMetadata());
    }

    /** The records of partitions this consumer owns, in the order polled. */
    public List<Record> records() {
        return records;
    }

    /** Records of partitions revoked since they were polled: another instance reads them now. */
    public List<Record> leftToNewOwner() {
        return leftToNewOwner;
    }

    /** The consumer's generation and member id when this batch was read. */
    public ConsumerGroupMetadata groupMetadata() {
        return groupMetadata;
    }

    /** Per partition, the offset after its last record here: what to commit once the batch is done. */
    public Map<TopicPartition, OffsetAndMetadata> nextOffsets() {
        Map<TopicPartition, OffsetAndMetadata> next = new LinkedHashMap<>();
        for (Record record : records) {
            next.merge(record.topicPartition(), new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return next;
    }

    /**
     * Commits the offsets after this batch on the consumer (at least once: for readers whose work
     * cannot join a Kafka transaction). Must run on the consumer's thread, as a batching route does.
     */
    public void commitOffsets() {
        Map<TopicPartition, OffsetAndMetadata> next = nextOffsets();
        if (!next.isEmpty()) {
            consumer.commitSync(next);
        }
    }

    /** A short description for log lines: partitions and offset ranges. */
    public String describe() {
        Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
        for (Record record : records) {
            ranges.merge(record.topicPartition(), new long[] {record.offset(), record.offset()},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        StringBuilder text = new StringBuilder();
        ranges.forEach((partition, range) -> text.append(text.isEmpty() ? "" : ", ")
                .append(partition).append('@').append(range[0]).append(range[0] == range[1] ? "" : "-" + range[1]));
        return text.toString();
    }
}
