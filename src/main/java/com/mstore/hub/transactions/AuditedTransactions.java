package com.mstore.hub.transactions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.emails.EmailJob;
import com.mstore.hub.emails.EmailJobQueue;
import com.mstore.hub.kafka.KafkaPoll;
import com.mstore.hub.tracing.TraceContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A poll of the audit log, read back for what follows an audited transaction: a receipt job for each
 * one with a customer email, and one invalidation per branch whose sales changed. Only committed
 * audit records are read (read_committed), so nothing follows a transaction that was dead-lettered
 * or whose batch was aborted. At least once: a batch read again enqueues the same jobs (their ids
 * derive from the transaction code, and the email worker mails each id once) and invalidates again.
 */
public final class AuditedTransactions {

    /** The exchange property that carries the batch through its route. */
    public static final String PROPERTY = "auditedTransactions";
    private static final Logger LOG = LoggerFactory.getLogger(AuditedTransactions.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final KafkaPoll poll;
    private final List<EmailJobQueue.Queued> receipts = new ArrayList<>();
    private final Set<String> branchSalesCacheKeys = new LinkedHashSet<>();
    private int tooOld;

    private AuditedTransactions(KafkaPoll poll, Instant notBefore) {
        this.poll = poll;
        for (KafkaPoll.Record record : poll.records()) {
            Long auditedAt = record.message().getHeader(KafkaConstants.TIMESTAMP, Long.class);
            if (auditedAt != null && auditedAt < notBefore.toEpochMilli()) {
                // history (a new consumer group reading the log from its start): its receipts went long ago
                tooOld++;
                continue;
            }
            Transaction transaction;
            try {
                transaction = JSON.readValue(record.value(), Transaction.class);
            } catch (java.io.IOException e) {
                LOG.warn("Skipping audit record {}@{}: not an audited transaction: {}", record.topicPartition(),
                        record.offset(), e.getMessage());
                continue;
            }
            if (transaction.hasCustomerEmail()) {
                String traceparent = record.header(TraceContext.TRACEPARENT);
                receipts.add(new EmailJobQueue.Queued(EmailJob.transactionReceipt(transaction),
                        traceparent == null ? Map.of() : Map.of(TraceContext.TRACEPARENT, traceparent)));
            }
            branchSalesCacheKeys.add(transaction.branchSalesCacheKey());
        }
    }

    /** Reads a batching Kafka consumer's exchange of audit records. */
    public static final class Reader {
        private final Duration maxAge;
        private final Clock clock;

        /** Transactions audited longer ago than {@code maxAge} are history: nothing more follows them. */
        public Reader(Duration maxAge, Clock clock) {
            this.maxAge = maxAge;
            this.clock = clock;
        }

        public AuditedTransactions read(Exchange exchange) {
            return new AuditedTransactions(KafkaPoll.of(exchange.getMessage().getBody(List.class)), clock.instant().minus(maxAge));
        }
    }

    /** The receipt jobs to enqueue, each with the trace context of its transaction. */
    public List<EmailJobQueue.Queued> receipts() {
        return receipts;
    }

    /** One cache key per branch of this batch: invalidating it once covers all its transactions. */
    public List<String> branchSalesCacheKeys() {
        return List.copyOf(branchSalesCacheKeys);
    }

    public int tooOld() {
        return tooOld;
    }

    /** Commits the offsets after this batch, once everything in it has followed. */
    public static void commit(Exchange exchange) {
        exchange.getProperty(PROPERTY, AuditedTransactions.class).poll.commitOffsets();
    }

    public String describe() {
        return poll.describe();
    }
}
