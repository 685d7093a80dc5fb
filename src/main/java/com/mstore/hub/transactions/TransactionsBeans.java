package com.mstore.hub.transactions;

import java.time.Clock;
import java.time.Duration;

import com.mstore.hub.json.PayloadSchemas;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.util.TimeUtils;
import org.springframework.data.redis.core.StringRedisTemplate;

/** What routes/transactions.camel.yaml calls by name (mstore.transactions.*). */
@Configuration
public class TransactionsBeans implements CamelConfiguration {

    @PropertyInject("mstore.kafka.brokers")
    private String kafkaBrokers;

    @PropertyInject("mstore.transactions.audit-topic")
    private String auditTopic;

    @PropertyInject("mstore.transactions.dlq-topic")
    private String deadLetterTopic;

    @PropertyInject("mstore.transactions.transactional-id")
    private String transactionalId;

    @PropertyInject("mstore.transactions.kafka-timeout-ms")
    private long kafkaTimeoutMs;

    @PropertyInject("mstore.transactions.commit-retry-ms")
    private long commitRetryMs;

    @PropertyInject("mstore.transactions.transaction-timeout-ms")
    private long transactionTimeoutMs;

    @PropertyInject("mstore.transactions.max-payload-bytes")
    private int maxPayloadBytes;

    @PropertyInject("mstore.transactions.receipts-max-age")
    private String receiptsMaxAge;

    @PropertyInject("mstore.dedupe.ttl-seconds")
    private long dedupeTtlSeconds;

    @PropertyInject("mstore.transactions.max-poll-interval-ms")
    private long maxPollIntervalMs;

    @BindToRegistry(value = "transactionIntake", lazy = true)
    public AuditBatch.Intake transactionIntake(PayloadSchemas payloadSchemas) {
        return new AuditBatch.Intake(payloadSchemas, "transaction", maxPayloadBytes);
    }

    /** Its transactional id names this instance: a restarted (or replaced) instance fences its own former self. */
    @BindToRegistry(value = "auditLog", destroyMethod = "close")
    public AuditLog auditLog() {
        return new AuditLog(new AuditLog.Settings(kafkaBrokers, auditTopic, deadLetterTopic, transactionalId,
                Duration.ofMillis(kafkaTimeoutMs), Duration.ofMillis(commitRetryMs), Duration.ofMillis(transactionTimeoutMs)),
                Clock.systemUTC());
    }

    @BindToRegistry(value = "transactionDedupe", lazy = true)
    public TransactionDedupe transactionDedupe(StringRedisTemplate redisTemplate) {
        // a claim lives as long as a batch may take; a copy in flight elsewhere is waited for as long as one Kafka call
        return new TransactionDedupe(redisTemplate, "mstore:idem:transactions:", dedupeTtlSeconds,
                Duration.ofMillis(maxPollIntervalMs), Duration.ofMillis(kafkaTimeoutMs));
    }

    @BindToRegistry("auditLogReader")
    public AuditedTransactions.Reader auditLogReader() {
        return new AuditedTransactions.Reader(Duration.ofMillis(TimeUtils.toMilliSeconds(receiptsMaxAge)), Clock.systemUTC());
    }
}
