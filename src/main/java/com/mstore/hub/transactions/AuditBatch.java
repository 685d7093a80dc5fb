package com.mstore.hub.transactions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mstore.hub.deadletters.DeadLetterCapture;
import com.mstore.hub.errors.RejectedMessageException;
import com.mstore.hub.json.InboundJson;
import com.mstore.hub.json.PayloadSchema;
import com.mstore.hub.json.PayloadSchemas;
import com.mstore.hub.kafka.KafkaPoll;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * One poll of the transactions topic on its way to the audit log: each record ends as an audit
 * record, a duplicate of a transaction already audited, or a dead letter with its reason, and all of
 * them, with the batch's offsets, are committed in one Kafka transaction ({@link AuditLog#commit}).
 */
public final class AuditBatch {

    /** The exchange property that carries the batch through its route. */
    public static final String PROPERTY = "auditBatch";

    /** What became of one record. */
    public enum Outcome { PENDING, AUDIT, DUPLICATE, DEAD_LETTER }

    /** One record of the batch and its outcome. */
    public static final class Entry {
        private final KafkaPoll.Record record;
        private Outcome outcome = Outcome.PENDING;
        private ObjectNode canonical;
        private Transaction transaction;
        private RuntimeException refusal;
        private Map<String, String> failure = Map.of();

        Entry(KafkaPoll.Record record) {
            this.record = record;
        }

        public KafkaPoll.Record record() {
            return record;
        }

        public Outcome outcome() {
            return outcome;
        }

        /** The transaction as the schema accepted it, canonical field names; null unless audited or a duplicate. */
        public ObjectNode canonical() {
            return canonical;
        }

        public Transaction transaction() {
            return transaction;
        }

        /** The mstore-error-* headers of a dead letter. */
        public Map<String, String> failure() {
            return failure;
        }

        void duplicate() {
            outcome = Outcome.DUPLICATE;
        }

        /** A record that cannot be audited after all (its audit record is over Kafka's limit): a dead letter, for this reason. */
        void deadLetter(Map<String, String> failure) {
            this.failure = Map.copyOf(failure);
            outcome = Outcome.DEAD_LETTER;
        }
    }

    private final KafkaPoll poll;
    private final List<Entry> entries;

    private AuditBatch(KafkaPoll poll) {
        this.poll = poll;
        List<Entry> list = new ArrayList<>(poll.records().size());
        poll.records().forEach(record -> list.add(new Entry(record)));
        this.entries = List.copyOf(list);
    }

    /** The batch of a batching Kafka consumer's exchange (its body is the poll's records). */
    public static AuditBatch of(Exchange exchange) {
        return new AuditBatch(KafkaPoll.of(exchange.getMessage().getBody(List.class)));
    }

    /**
     * The intake of every record of a batch: a transaction that passes its schema is accepted, any
     * other record is refused with its reason ({@link InboundJson}), and the flow goes on.
     *
     * <p>Why not a Camel exchange per record (a splitter with the intake step in it): measured, a
     * splitter's exchange, unit of work and events per record cost more than the rest of the flow.
     * The records refused here (usually none) do go through the shared error handling one by one,
     * as every flow's dead letters do: see {@link #refusedMessages()}.
     */
    public static final class Intake implements Processor {
        private final PayloadSchemas schemas;
        private final String schema;
        private final int maxBytes;

        public Intake(PayloadSchemas schemas, String schema, int maxBytes) {
            this.schemas = schemas;
            this.schema = schema;
            this.maxBytes = maxBytes;
        }

        @Override
        public void process(Exchange exchange) {
            PayloadSchema transaction = schemas.get(schema);
            for (Entry entry : exchange.getProperty(PROPERTY, AuditBatch.class).entries) {
                try {
                    entry.canonical = (ObjectNode) InboundJson.read(entry.record().value(), transaction, maxBytes);
                    entry.transaction = Transaction.fromJson(entry.canonical);
                    entry.outcome = Outcome.AUDIT;
                } catch (RejectedMessageException | JacksonException refused) {
                    entry.refusal = refused instanceof RejectedMessageException rejected ? rejected
                            : new RejectedMessageException("invalid-payload", "the transaction cannot be read: " + refused.getMessage(), refused);
                }
            }
        }
    }

    /**
     * For the splitter: each refused record's message (body: the record's bytes; headers: its Kafka
     * headers), to be failed again with its refusal ({@link #refuse}) so the shared error handling
     * stamps, counts and logs it, and hands it to {@link #reject}.
     */
    public List<Message> refusedMessages() {
        return entries.stream().filter(entry -> entry.refusal != null).map(entry -> entry.record().message()).toList();
    }

    /** Fails a refused record's exchange (split from {@link #refusedMessages()}) with its refusal. */
    public static void refuse(Exchange exchange) {
        throw refusedEntryOf(exchange).refusal;
    }

    /**
     * Dead-letter target of a refused record: the shared error handling has stamped its reason; the
     * audit log writes it to the dead-letter topic in the batch's transaction.
     */
    public static void reject(Exchange exchange) {
        Entry entry = refusedEntryOf(exchange);
        Map<String, String> failure = new LinkedHashMap<>();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (name.startsWith("mstore-") && value != null) {
                failure.put(name, value.toString());
            }
        });
        entry.failure = Map.copyOf(failure);
        entry.outcome = Outcome.DEAD_LETTER;
        // kept for the dead-letter API once the batch's transaction has committed it
        exchange.setProperty(DeadLetterCapture.KEPT_WHEN_COMMITTED, true);
    }

    private static Entry refusedEntryOf(Exchange exchange) {
        AuditBatch batch = exchange.getProperty(PROPERTY, AuditBatch.class);
        return batch.entries.stream().filter(entry -> entry.refusal != null)
                .skip(exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class)).findFirst().orElseThrow();
    }

    public KafkaPoll poll() {
        return poll;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Entries with this outcome. */
    public List<Entry> with(Outcome outcome) {
        return entries.stream().filter(entry -> entry.outcome == outcome).toList();
    }

    /**
     * Marks as duplicates the entries whose transaction code is already audited, and every copy of
     * a code after its first in this batch: one audit record per code.
     */
    void markDuplicates(Set<String> alreadyAudited) {
        Set<String> seen = new java.util.HashSet<>();
        for (Entry entry : entries) {
            if (entry.outcome != Outcome.AUDIT) {
                continue;
            }
            String code = entry.transaction.transactionCode();
            if (alreadyAudited.contains(code) || !seen.add(code)) {
                entry.duplicate();
            }
        }
    }

    /**
     * The codes this batch would audit, in order, each with the claim of the first record that
     * carries it ({@code claim <topic>-<partition>@<offset>}).
     */
    Map<String, String> claimsToAudit() {
        return claimsOf(Outcome.AUDIT);
    }

    /** As {@link #claimsToAudit()}, for the records with this outcome. */
    Map<String, String> claimsOf(Outcome outcome) {
        Map<String, String> claims = new LinkedHashMap<>();
        for (Entry entry : entries) {
            if (entry.outcome == outcome && entry.transaction != null) {
                claims.putIfAbsent(entry.transaction.transactionCode(),
                        "claim " + entry.record().topic() + "-" + entry.record().partition() + "@" + entry.record().offset());
            }
        }
        return claims;
    }

    public int audited() {
        return with(Outcome.AUDIT).size();
    }

    public int duplicates() {
        return with(Outcome.DUPLICATE).size();
    }

    public int deadLettered() {
        return with(Outcome.DEAD_LETTER).size();
    }

    /** For the batch's log line. */
    public String describe() {
        return poll.describe();
    }
}
