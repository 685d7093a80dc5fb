package com.mstore.hub.transactions;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mstore.hub.tracing.TraceContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only audit log on Kafka, written exactly once per consumed record.
 *
 * <p>Why not camel-kafka's producer: exactly-once needs the audit record and the consumer's offset
 * committed in one Kafka transaction (consume-transform-produce). camel-kafka can make its producer
 * transactional, but cannot put the consumer's offset into that transaction, so a crash between the
 * two would write a second record on redelivery. Each method here sends what it must and commits the
 * source offset in the same transaction; auditors read the topic with isolation.level=read_committed.
 */
public class AuditLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int TRUNCATED_BYTES = 64 * 1024;

    private final String brokers;
    private final String auditTopic;
    private final String deadLetterTopic;
    private final String consumerGroup;
    private final String transactionalId;
    private final Clock clock;
    private KafkaProducer<String, byte[]> producer;

    public AuditLog(String brokers, String auditTopic, String deadLetterTopic, String consumerGroup,
                    String transactionalId, Clock clock) {
        this.brokers = brokers;
        this.auditTopic = auditTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.consumerGroup = consumerGroup;
        this.transactionalId = transactionalId;
        this.clock = clock;
    }

    /** Appends the audit record of the transaction in the body (canonical JSON) and commits its offset. */
    public synchronized void append(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        ObjectNode record = (ObjectNode) JSON.readTree(in.getBody(String.class));
        String transactionCode = record.path("transactionCode").asText();
        ObjectNode audit = record.putObject("audit");
        audit.put("auditId", UUID.nameUUIDFromBytes(transactionCode.getBytes(StandardCharsets.UTF_8)).toString());
        audit.put("receivedAt", clock.instant().toString());
        audit.put("sourceTopic", in.getHeader(KafkaConstants.TOPIC, String.class));
        audit.put("sourcePartition", in.getHeader(KafkaConstants.PARTITION, Integer.class));
        audit.put("sourceOffset", in.getHeader(KafkaConstants.OFFSET, Long.class));
        audit.put("traceId", TraceContext.traceId(exchange));
        ProducerRecord<String, byte[]> auditRecord =
                new ProducerRecord<>(auditTopic, transactionCode, JSON.writeValueAsBytes(record));
        // written without a Camel endpoint, so the trace context is carried on by hand
        TraceContext.inject(exchange, (name, value) -> auditRecord.headers().add(name, bytes(value)));
        inTransaction(exchange, auditRecord);
    }

    /**
     * Sends the original record to the dead-letter topic with the mstore-* headers, and commits its
     * offset. A record too large for the dead-letter topic goes there cut to its first
     * {@value #TRUNCATED_BYTES} bytes, marked {@code mstore-body-truncated}, rather than block
     * its partition for good.
     */
    public synchronized void deadLetter(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        try {
            inTransaction(exchange, deadLetterRecord(exchange, body, false));
        } catch (KafkaException e) {
            if (!causedBy(e, RecordTooLargeException.class) || body == null || body.length <= TRUNCATED_BYTES) {
                throw e;
            }
            LOG.warn("Record too large for {}: dead-lettering its first {} bytes", deadLetterTopic, TRUNCATED_BYTES);
            inTransaction(exchange, deadLetterRecord(exchange, Arrays.copyOf(body, TRUNCATED_BYTES), true));
        }
    }

    private ProducerRecord<String, byte[]> deadLetterRecord(Exchange exchange, byte[] body, boolean truncated) {
        Message in = exchange.getMessage();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(deadLetterTopic,
                in.getHeader(KafkaConstants.KEY, String.class), body);
        if (truncated) {
            record.headers().add("mstore-body-truncated", bytes(true));
        }
        for (Map.Entry<String, Object> header : in.getHeaders().entrySet()) {
            if (header.getKey().startsWith("mstore-") && header.getValue() != null) {
                record.headers().add(header.getKey(), header.getValue().toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        record.headers().add("mstore-source-topic", bytes(in.getHeader(KafkaConstants.TOPIC)));
        record.headers().add("mstore-source-partition", bytes(in.getHeader(KafkaConstants.PARTITION)));
        record.headers().add("mstore-source-offset", bytes(in.getHeader(KafkaConstants.OFFSET)));
        return record;
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** Commits the offset of a record that needs no output (a duplicate). */
    public synchronized void skip(Exchange exchange) {
        inTransaction(exchange, null);
    }

    private void inTransaction(Exchange exchange, ProducerRecord<String, byte[]> record) {
        Message in = exchange.getMessage();
        TopicPartition source = new TopicPartition(in.getHeader(KafkaConstants.TOPIC, String.class),
                in.getHeader(KafkaConstants.PARTITION, Integer.class));
        long nextOffset = in.getHeader(KafkaConstants.OFFSET, Long.class) + 1;
        KafkaProducer<String, byte[]> kafka = producer(exchange.getContext());
        try {
            kafka.beginTransaction();
            if (record != null) {
                // wait for the send: a refused record must fail here, before the offset is committed
                kafka.send(record).get();
            }
            kafka.sendOffsetsToTransaction(Map.of(source, new OffsetAndMetadata(nextOffset)),
                    new ConsumerGroupMetadata(consumerGroup));
            kafka.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException fatal) {
            // the producer cannot be used again: drop it, the redelivery gets a new one
            closeProducer();
            throw fatal;
        } catch (KafkaException e) {
            abort(kafka);
            throw e;
        } catch (ExecutionException e) {
            abort(kafka);
            throw e.getCause() instanceof KafkaException kafkaError ? kafkaError : new KafkaException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(kafka);
            throw new KafkaException("interrupted while writing to Kafka", e);
        }
    }

    private void abort(KafkaProducer<String, byte[]> kafka) {
        try {
            kafka.abortTransaction();
        } catch (KafkaException abortFailed) {
            closeProducer();
        }
    }

    private KafkaProducer<String, byte[]> producer(CamelContext context) {
        if (producer == null) {
            Properties config = new Properties();
            // connects as the routes' Kafka consumer does (credentials and TLS: KafkaSecurity)
            Map<String, Object> security = context.getComponent("kafka", KafkaComponent.class).getConfiguration().getAdditionalProperties();
            if (security != null) {
                config.putAll(security);
            }
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
            // fail within seconds while Kafka is down, so the shared redelivery policy takes over
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
            // the broker's message.max.bytes decides what is too large, not a client-side default
            config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024 * 1024);
            KafkaProducer<String, byte[]> created = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
            try {
                created.initTransactions();
            } catch (KafkaException e) {
                created.close(Duration.ZERO);
                throw e;
            }
            producer = created;
            LOG.info("Audit log writer ready (transactional id {})", transactionalId);
        }
        return producer;
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (KafkaException ignored) {
                // closing a broken producer
            }
            producer = null;
        }
    }

    private static byte[] bytes(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        closeProducer();
    }
}
