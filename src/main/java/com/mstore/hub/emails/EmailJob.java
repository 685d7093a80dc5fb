package com.mstore.hub.emails;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.mstore.hub.transactions.Transaction;

/** A background email job on RabbitMQ queue {@code emails} (CONTRACTS.md section 3). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EmailJob(String jobId, String type, Long transactionId, String transactionCode, String orderId,
                       String to, Integer priority) {

    public static final String TRANSACTION_RECEIPT = "transaction_receipt";
    public static final String ORDER_CONFIRMATION = "order_confirmation";
    static final int DEFAULT_PRIORITY = 1;

    /**
     * The receipt job for a transaction. Its jobId is derived from the transaction code, so a
     * transaction replayed after a crash yields the same job, which the worker mails only once.
     */
    public static EmailJob transactionReceipt(Transaction transaction) {
        return new EmailJob(stableId(TRANSACTION_RECEIPT, transaction.transactionCode()), TRANSACTION_RECEIPT,
                transaction.id(), transaction.transactionCode(), null, transaction.customerEmail(), DEFAULT_PRIORITY);
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The confirmation job for a new order; its jobId derives from the order id, like the receipt's. */
    public static EmailJob orderConfirmation(String orderId, String customerEmail) {
        return new EmailJob(stableId(ORDER_CONFIRMATION, orderId), ORDER_CONFIRMATION, null, null, orderId,
                customerEmail, DEFAULT_PRIORITY);
    }

    /**
     * The job, from the canonical tree the intake step leaves (it passed email-job.schema.json). One
     * method of this name: with overloads, Camel's bean binding picks one for every message (make
     * bench, profiled).
     */
    public static EmailJob fromJson(com.fasterxml.jackson.databind.JsonNode canonical) throws JsonProcessingException {
        return JSON.treeToValue(canonical, EmailJob.class);
    }

    /** What the mail is about, for people: the order id, or the transaction code (or id). */
    @JsonIgnore
    public String reference() {
        if (orderId != null) {
            return orderId;
        }
        return transactionCode != null ? transactionCode : "#" + transactionId;
    }

    /** This job, with a generated jobId when it has none and the default priority when it has none. */
    public EmailJob complete() {
        return new EmailJob(jobId == null || jobId.isBlank() ? UUID.randomUUID().toString() : jobId, type,
                transactionId, transactionCode, orderId, to, priority == null ? DEFAULT_PRIORITY : priority);
    }

    static String stableId(String type, String sourceId) {
        return UUID.nameUUIDFromBytes((type + ":" + sourceId).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
