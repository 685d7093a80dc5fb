package com.mstore.hub.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>A rebalance that gives a partition back to this consumer resets its position to the committed
 * offset, so a record still waiting in camel-kafka's batch is fetched a second time, and the two
 * copies can land in two batches, each committed under the group's current generation (seen in the
 * soak: one transaction audited twice while Redis, which would have caught the second, restarted).
 * So each consumer remembers the offsets it committed, and a record below them is passed over: it
 * was committed here already. Offsets of a group are only reset while the group is empty (Kafka's
 * own rule for kafka-consumer-groups --reset-offsets), when no consumer remembers anything.
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

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPoll.class);

    /** Per consumer, per partition, the offset after the last batch it committed (a closed consumer's go with it). */
    private static final Map<Consumer<?, ?>, Map<TopicPartition, Long>> COMMITTED = Collections.synchronizedMap(new WeakHashMap<>());

    private final List<Record> records;
    private final List<Record> leftToNewOwner;
    private final List<Record> committedAlready;
    private final Consumer<?, ?> consumer;
    private final ConsumerGroupMetadata groupMetadata;

    private KafkaPoll(List<Record> records, List<Record> leftToNewOwner, List<Record> committedAlready, Consumer<?, ?> consumer,
                      ConsumerGroupMetadata groupMetadata) {
        this.records = records;
        this.leftToNewOwner = leftToNewOwner;
        this.committedAlready = committedAlready;
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
                return new KafkaPoll(List.of(), List.of(), List.of(), null, null);
            }
            throw new IllegalStateException("the Kafka endpoint of this route needs allowManualCommit=true");
        }
        Set<TopicPartition> owned = consumer.assignment();
        Map<TopicPartition, Long> committed = COMMITTED.getOrDefault(consumer, Map.of());
        List<Record> kept = new ArrayList<>(all.size());
        List<Record> left = new ArrayList<>();
        List<Record> already = new ArrayList<>();
        for (Record record : all) {
            if (!owned.contains(record.topicPartition())) {
                left.add(record);
            } else if (record.offset() < committed.getOrDefault(record.topicPartition(), Long.MIN_VALUE)) {
                already.add(record);
            } else {
                kept.add(record);
            }
        }
        if (!already.isEmpty()) {
            LOG.info("Passed over {} record(s) fetched again after a rebalance, committed by this consumer already ({})",
                    already.size(), already.stream().map(record -> record.topicPartition() + "@" + record.offset()).toList());
        }
        return new KafkaPoll(Collections.unmodifiableList(kept), Collections.unmodifiableList(left),
                Collections.unmodifiableList(already), consumer, consumer.groupMetadata());
    }

    /** The records of partitions this consumer owns, in the order polled. */
    public List<Record> records() {
        return records;
    }

    /** Records of partitions revoked since they were polled: another instance reads them now. */
    public List<Record> leftToNewOwner() {
        return leftToNewOwner;
    }

    /** Records fetched again after a rebalance that this consumer had committed already: passed over. */
    public List<Record> committedAlready() {
        return committedAlready;
    }

    /** This batch's offsets are committed (in a transaction, or by {@link #commitOffsets}): its records are not taken again. */
    public void markCommitted() {
        if (consumer == null) {
            return;
        }
        Map<TopicPartition, Long> mine = COMMITTED.computeIfAbsent(consumer, polled -> new ConcurrentHashMap<>());
        nextOffsets().forEach((partition, next) -> mine.merge(partition, next.offset(), Math::max));
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
            markCommitted();
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
