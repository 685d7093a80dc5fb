package com.mstore.hub.transactions;

import com.mstore.hub.brokers.Publishing;
import com.mstore.hub.brokers.ReplayMarks;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mstore.hub.deadletters.DeadLetterCapture;
import com.mstore.hub.errors.FailureHeaders;
import com.mstore.hub.errors.ReadAgainException;
import com.mstore.hub.kafka.KafkaPoll;
import com.mstore.hub.metrics.MetricsRegistry;
import com.mstore.hub.tracing.MessageSpans;
import com.mstore.hub.tracing.TraceContext;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only audit log on Kafka: each batch of transactions, its dead letters and the offsets it
 * consumed are committed in one Kafka transaction, so a crash replays exactly what was not committed.
 * Auditors read the topic with {@code isolation.level=read_committed}.
 *
 * <p>Why not camel-kafka's producer: its transactions cannot carry the consumer's offsets
 * ({@code sendOffsetsToTransaction}, apache/camel#26557), which consume-transform-produce needs.
 *
 * <p>Fencing for a fleet (KIP-447): offsets go with the consumer group metadata of the poll
 * (generation and member id). An instance that lost its partitions in a rebalance while it worked
 * (a long pause, a stalled call) has its commit refused: the transaction is aborted, nothing of it
 * becomes visible, and the records are read again by whoever owns them now.
 *
 * <p>Every failure leaves the producer either usable (its transaction aborted) or closed (the next
 * batch opens a new one, whose {@code initTransactions} also settles any transaction left open).
 */
public class AuditLog implements AutoCloseable, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A dead letter the topic refuses as too large is written cut to this many bytes. */
    static final int TRUNCATED_BYTES = 64 * 1024;
    private static final int LINGER_MS = 5;

    /**
     * How the audit log reaches Kafka: how long one call may wait for Kafka before it counts as failed,
     * how long a commit whose outcome is unknown is retried, and how long Kafka keeps a transaction of
     * an instance that vanished open before aborting it.
     */
    public record Settings(String brokers, String auditTopic, String deadLetterTopic, String transactionalId,
                           Duration kafkaTimeout, Duration commitRetryBudget, Duration transactionTimeout) {
    }

    private final Settings settings;
    private final Clock clock;
    /** Its Kafka component's client settings (credentials, TLS) apply to this producer too. */
    private CamelContext camelContext;
    private MessageSpans spans;
    private Producer<String, byte[]> producer;

    public AuditLog(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Writes the batch in one transaction: an audit record for each transaction to audit, a dead
     * letter for each record that can never be audited, and the offsets after every record of the
     * batch (duplicates included).
     *
     * @throws ReadAgainException when the outcome must be left to Kafka: the group moved on (this
     *                            instance was fenced), or the commit's outcome is unknown
     */
    public synchronized void commit(Exchange exchange) {
        AuditBatch batch = exchange.getProperty(AuditBatch.PROPERTY, AuditBatch.class);
        if (batch.poll().records().isEmpty()) {
            return;
        }
        if (spans == null) {
            spans = MessageSpans.of(camelContext);
        }
        Map<AuditBatch.Entry, MessageSpans.MessageSpan> published = new java.util.LinkedHashMap<>();
        for (AuditBatch.Entry entry : batch.with(AuditBatch.Outcome.AUDIT)) {
            published.put(entry, spans.publish(traceHeaders(entry.record()), "kafka", settings.auditTopic()));
        }
        Set<AuditBatch.Entry> truncate = new HashSet<>();
        try {
            while (true) {
                List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
                List<AuditBatch.Entry> owners = new ArrayList<>();
                for (AuditBatch.Entry entry : batch.with(AuditBatch.Outcome.AUDIT)) {
                    records.add(auditRecord(entry, published.get(entry).headers()));
                    owners.add(entry);
                }
                for (AuditBatch.Entry entry : batch.with(AuditBatch.Outcome.DEAD_LETTER)) {
                    records.add(deadLetterRecord(entry.record(), entry.failure(), truncate.contains(entry)));
                    owners.add(entry);
                }
                List<Integer> tooLarge = inTransaction(batch.poll(), records);
                if (tooLarge.isEmpty()) {
                    published.forEach((entry, span) -> {
                        if (entry.outcome() == AuditBatch.Outcome.AUDIT) {
                            span.succeeded();
                        }
                    });
                    return;
                }
                for (int index : tooLarge) {
                    AuditBatch.Entry entry = owners.get(index);
                    if (entry.outcome() == AuditBatch.Outcome.AUDIT) {
                        // over Kafka's limit once audited: read again for ever, it would hold up its partition
                        RecordTooLargeException refused = new RecordTooLargeException("the audit record of "
                                + records.get(index).value().length + " bytes is over what Kafka takes on " + settings.auditTopic());
                        published.get(entry).failed(refused);
                        entry.deadLetter(tooLargeFailure(exchange, refused.getMessage()));
                        countTooLarge(exchange, entry);
                    }
                    if (!truncate.add(entry)) {
                        throw new KafkaException("a dead letter cut to " + TRUNCATED_BYTES + " bytes is still too large for "
                                + settings.deadLetterTopic() + " (" + entry.record().topicPartition() + "@" + entry.record().offset() + ")");
                    }
                    LOG.warn("Record {} too large for Kafka: dead-lettering its first {} bytes to {}",
                            entry.record().topicPartition() + "@" + entry.record().offset(), TRUNCATED_BYTES, settings.deadLetterTopic());
                }
            }
        } catch (RuntimeException failed) {
            published.values().forEach(span -> span.failed(failed));
            throw failed;
        }
    }

    /** The mstore-* headers of a transaction whose audit record is over Kafka's limit. */
    private Map<String, String> tooLargeFailure(Exchange exchange, String message) {
        Map<String, String> failure = new java.util.LinkedHashMap<>();
        failure.put(FailureHeaders.REASON, "too-large");
        failure.put(FailureHeaders.MESSAGE, message + ": dead-lettered with its first " + TRUNCATED_BYTES + " bytes");
        failure.put(FailureHeaders.FAILED_AT, clock.instant().toString());
        String flow = FailureHeaders.flowOf(exchange);
        if (flow != null) {
            failure.put(FailureHeaders.FLOW, flow);
        }
        return failure;
    }

    /** Counted and logged as the shared error handling does every dead letter (hub/error-handling.camel.yaml). */
    private void countTooLarge(Exchange exchange, AuditBatch.Entry entry) {
        String flow = entry.failure().getOrDefault(FailureHeaders.FLOW, "none");
        MetricsRegistry.of(camelContext).counter("mstore.dead.letters", "flow", flow, "route", String.valueOf(exchange.getFromRouteId()),
                "reason", "too-large").increment();
        LoggerFactory.getLogger("com.mstore.hub.dead-letter").warn("Dead-lettered a message of flow {} from route {}: too-large: {}",
                flow, exchange.getFromRouteId(), entry.failure().get(FailureHeaders.MESSAGE));
    }

    private static Map<String, String> traceHeaders(KafkaPoll.Record record) {
        Map<String, String> headers = new java.util.HashMap<>();
        for (String name : List.of(TraceContext.TRACEPARENT, TraceContext.TRACESTATE)) {
            String value = record.header(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        return headers;
    }

    /**
     * The dead-letter target of a batch that failed after every redelivery: each of its records goes
     * to the dead-letter topic (with the reason of its own rejection, or the batch's), in one
     * transaction with the batch's offsets, so the partition moves on. When even that fails the
     * records stay in Kafka and are read again.
     */
    public synchronized void deadLetterBatch(Exchange exchange) {
        AuditBatch batch = exchange.getProperty(AuditBatch.PROPERTY, AuditBatch.class);
        Map<String, String> batchFailure = mstoreHeaders(exchange);
        List<AuditBatch.Entry> entries = batch.entries().stream().filter(entry -> entry.outcome() != AuditBatch.Outcome.DUPLICATE).toList();
        Set<AuditBatch.Entry> truncate = new HashSet<>();
        while (true) {
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            for (AuditBatch.Entry entry : entries) {
                records.add(deadLetterRecord(entry.record(), entry.outcome() == AuditBatch.Outcome.DEAD_LETTER ? entry.failure() : batchFailure,
                        truncate.contains(entry)));
            }
            List<Integer> tooLarge = inTransaction(batch.poll(), records);
            if (tooLarge.isEmpty()) {
                // the shared dead-letter route counts each record of the batch; they are kept for the
                // dead-letter API once read back from the topic
                exchange.setProperty("mstoreDeadLetterCount", records.size());
                exchange.setProperty(DeadLetterCapture.KEPT_WHEN_COMMITTED, true);
                return;
            }
            for (int index : tooLarge) {
                if (!truncate.add(entries.get(index))) {
                    throw new KafkaException("a dead letter cut to " + TRUNCATED_BYTES + " bytes is still too large for " + settings.deadLetterTopic());
                }
            }
        }
    }

    private ProducerRecord<String, byte[]> auditRecord(AuditBatch.Entry entry, Map<String, String> traceHeaders) {
        KafkaPoll.Record source = entry.record();
        ObjectNode record = entry.canonical().deepCopy();
        String transactionCode = entry.transaction().transactionCode();
        ObjectNode audit = record.putObject("audit");
        audit.put("auditId", UUID.nameUUIDFromBytes(transactionCode.getBytes(StandardCharsets.UTF_8)).toString());
        audit.put("receivedAt", clock.instant().toString());
        audit.put("sourceTopic", source.topic());
        audit.put("sourcePartition", source.partition());
        audit.put("sourceOffset", source.offset());
        audit.put("traceId", TraceContext.traceIdOf(traceHeaders.get(TraceContext.TRACEPARENT)));
        ReplayMarks replay = ReplayMarks.of(name -> Publishing.header(source.message(), name));
        if (replay != null) {
            // who put a dead letter back, and whether they changed it: the audit log says so for good
            ObjectNode replayed = audit.putObject("replay");
            replayed.put("deadLetterId", replay.deadLetterId());
            replayed.put("by", replay.by());
            replayed.put("bodyChanged", replay.bodyChanged());
        }
        byte[] value;
        try {
            value = JSON.writeValueAsBytes(record);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("an audit record could not be written as JSON", e);
        }
        ProducerRecord<String, byte[]> auditRecord = new ProducerRecord<>(settings.auditTopic(), transactionCode, value);
        traceHeaders.forEach((name, header) -> auditRecord.headers().add(name, bytes(header)));
        if (replay != null) {
            replay.headers().forEach((name, header) -> auditRecord.headers().add(name, bytes(header)));
        }
        return auditRecord;
    }

    private ProducerRecord<String, byte[]> deadLetterRecord(KafkaPoll.Record source, Map<String, String> failure,
                                                            boolean truncated) {
        byte[] body = source.value();
        if (truncated && body != null && body.length > TRUNCATED_BYTES) {
            body = Arrays.copyOf(body, TRUNCATED_BYTES);
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(settings.deadLetterTopic(), source.key(), body);
        failure.forEach((name, value) -> record.headers().add(name, bytes(value)));
        if (truncated) {
            record.headers().add("mstore-body-truncated", bytes("true"));
        }
        record.headers().add(FailureHeaders.SOURCE_TOPIC, bytes(source.topic()));
        record.headers().add(FailureHeaders.SOURCE_PARTITION, bytes(String.valueOf(source.partition())));
        record.headers().add(FailureHeaders.SOURCE_OFFSET, bytes(String.valueOf(source.offset())));
        String traceparent = source.header(TraceContext.TRACEPARENT);
        if (traceparent != null) {
            record.headers().add(TraceContext.TRACEPARENT, bytes(traceparent));
        }
        return record;
    }

    /**
     * One transaction: the records and the poll's offsets. Returns the indexes of the records Kafka
     * refused as too large (the transaction is then aborted, to be written again without them as
     * they were), or an empty list once committed.
     */
    private List<Integer> inTransaction(KafkaPoll poll, List<ProducerRecord<String, byte[]>> records) {
        Producer<String, byte[]> kafka = producer(camelContext);
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        try {
            kafka.beginTransaction();
            for (ProducerRecord<String, byte[]> record : records) {
                sent.add(kafka.send(record));
            }
            kafka.flush();
            List<Integer> tooLarge = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                try {
                    sent.get(i).get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RecordTooLargeException) {
                        tooLarge.add(i);
                    } else {
                        throw e.getCause() instanceof KafkaException kafkaError ? kafkaError : new KafkaException(e.getCause());
                    }
                }
            }
            if (!tooLarge.isEmpty()) {
                abort(kafka);
                return tooLarge;
            }
            kafka.sendOffsetsToTransaction(poll.nextOffsets(), poll.groupMetadata());
            commitRetryingWhileUnknown(kafka);
            poll.markCommitted();
            return List.of();
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                 | AuthorizationException | UnsupportedVersionException fatal) {
            // this producer can never be used again; another instance may hold its transactional id
            closeProducer();
            throw fatal;
        } catch (CommitFailedException | FencedInstanceIdException | RebalanceInProgressException fenced) {
            abort(kafka);
            throw new ReadAgainException("the consumer group moved on while this batch (" + poll.describe()
                    + ") was written: its transaction is aborted and its records are left to their owner", fenced);
        } catch (KafkaException e) {
            abort(kafka);
            throw e;
        } catch (IllegalStateException invalidState) {
            // the producer's own state refuses the call: an epoch bump it began after an earlier
            // abort (Kafka away) had not finished, and seen after a broker restart it never did.
            // A new producer's initTransactions settles whatever this one left open.
            closeProducer();
            throw new KafkaException("the audit producer was left unusable (" + invalidState.getMessage()
                    + "); a new one is made for the next attempt", invalidState);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(kafka);
            throw new KafkaException("interrupted while writing to Kafka", e);
        }
    }

    /**
     * A commit that timed out may still succeed: Kafka lets the same call be repeated, and it then
     * waits for the first one. Aborting and writing the batch again could audit it twice. When the
     * outcome stays unknown, the producer is closed and the batch is read again from the committed
     * offsets, which tell what happened (the consumer reads them with read_committed, so a pending
     * transaction is waited for).
     */
    private void commitRetryingWhileUnknown(Producer<String, byte[]> kafka) {
        long deadline = System.nanoTime() + settings.commitRetryBudget().toNanos();
        while (true) {
            try {
                kafka.commitTransaction();
                return;
            } catch (TimeoutException outcomeUnknown) {
                if (System.nanoTime() >= deadline) {
                    closeProducer();
                    throw new ReadAgainException("a Kafka commit of the audit log timed out for "
                            + settings.commitRetryBudget().toSeconds() + " s; its outcome is left to Kafka", outcomeUnknown);
                }
                LOG.warn("Commit of an audit batch timed out, outcome unknown: committing again");
            }
        }
    }

    private void abort(Producer<String, byte[]> kafka) {
        try {
            kafka.abortTransaction();
        } catch (KafkaException | IllegalStateException abortFailed) {
            closeProducer();
        }
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    private Producer<String, byte[]> producer(CamelContext context) {
        if (producer == null) {
            Properties config = new Properties();
            // connects as the routes' Kafka consumer does (credentials and TLS: KafkaSecurity)
            Map<String, Object> security = context == null ? null
                    : context.getComponent("kafka", KafkaComponent.class).getConfiguration().getAdditionalProperties();
            if (security != null) {
                config.putAll(security);
            }
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.brokers());
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) settings.transactionTimeout().toMillis());
            // fail within seconds while Kafka is down, so the shared redelivery policy takes over
            int timeout = (int) settings.kafkaTimeout().toMillis();
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
            // the least Kafka accepts (linger.ms + request.timeout.ms): a send fails within the timeout too
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout + LINGER_MS);
            // a batch is flushed as a whole: fewer, larger requests
            config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
            config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.transactionalId());
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
            LOG.info("Audit log writer ready (transactional id {})", settings.transactionalId());
        }
        return producer;
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (KafkaException ignored) {
                // closing a broken producer
            }
            producer = null;
        }
    }

    private static Map<String, String> mstoreHeaders(Exchange exchange) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (name.startsWith("mstore-error-") || name.equals(FailureHeaders.FAILED_AT) || name.equals(FailureHeaders.FLOW)) {
                if (value != null) {
                    headers.put(name, value.toString());
                }
            }
        });
        return headers;
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        closeProducer();
    }
}
