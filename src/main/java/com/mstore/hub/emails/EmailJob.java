package com.mstore.hub.emails;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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

    /** This job, with a generated jobId when it has none and the default priority when it has none. */
    public EmailJob complete() {
        return new EmailJob(jobId == null || jobId.isBlank() ? UUID.randomUUID().toString() : jobId, type,
                transactionId, transactionCode, orderId, to, priority == null ? DEFAULT_PRIORITY : priority);
    }

    static String stableId(String type, String sourceId) {
        return UUID.nameUUIDFromBytes((type + ":" + sourceId).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
