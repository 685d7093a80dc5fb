package com.mstore.hub.config;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.mstore.hub.cache.CacheInvalidator;
import com.mstore.hub.cache.KeyGuard;
import com.mstore.hub.devices.DeviceRegistry;
import com.mstore.hub.emails.MailFailures;
import com.mstore.hub.emails.MailRenderer;
import com.mstore.hub.notifications.NotificationChannels;
import com.mstore.hub.orders.OrderRepository;
import com.mstore.hub.errors.FailureHeaders;
import com.mstore.hub.json.Timestamps;
import com.mstore.hub.metrics.RedeliveryCounter;
import com.mstore.hub.emails.EmailJobClaims;
import com.mstore.hub.emails.EmailJobQueue;
import com.mstore.hub.rabbitmq.RabbitPublisher;
import com.mstore.hub.transactions.AuditBatch;
import com.mstore.hub.transactions.AuditLog;
import com.mstore.hub.transactions.AuditedTransactions;
import com.mstore.hub.transactions.TransactionDedupe;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.util.TimeUtils;
import org.apache.camel.component.redis.processor.idempotent.SpringRedisStringIdempotentRepository;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

/** The Java steps the route files call by name. */
@Configuration
public class FlowBeans implements CamelConfiguration {

    @PropertyInject("mstore.kafka.brokers")
    private String kafkaBrokers;

    @PropertyInject("mstore.transactions.audit-topic")
    private String auditTopic;

    @PropertyInject("mstore.transactions.dlq-topic")
    private String transactionsDeadLetterTopic;

    @PropertyInject("mstore.transactions.commit-retry-ms")
    private long auditCommitRetryMs;

    @PropertyInject("mstore.transactions.kafka-timeout-ms")
    private long auditKafkaTimeoutMs;

    @PropertyInject("mstore.transactions.transaction-timeout-ms")
    private long auditTransactionTimeoutMs;

    @PropertyInject("mstore.transactions.receipts-max-age")
    private String receiptsMaxAge;

    @PropertyInject("mstore.dedupe.ttl-seconds")
    private long dedupeTtlSeconds;

    @PropertyInject("mstore.emails.queue")
    private String emailQueue;

    @PropertyInject("mstore.rabbitmq.confirm-timeout-ms")
    private long rabbitConfirmTimeoutMs;

    @PropertyInject("mstore.cache.allowed-prefixes")
    private String allowedCachePrefixes;

    @PropertyInject("mstore.cache.scan-batch-size")
    private int cacheScanBatch;

    @PropertyInject("mstore.devices.low-battery")
    private int lowBatteryThreshold;

    @PropertyInject("mstore.devices.offline-after")
    private String offlineAfter;

    @PropertyInject("mstore.transactions.transactional-id")
    private String auditTransactionalId;

    @PropertyInject("mstore.transactions.max-payload-bytes")
    private int transactionMaxBytes;

    @BindToRegistry("transactionIntake")
    public AuditBatch.Intake transactionIntake() {
        return new AuditBatch.Intake("transaction", transactionMaxBytes);
    }

    @BindToRegistry("flowSummary")
    public com.mstore.hub.metrics.FlowSummary flowSummary(org.apache.camel.CamelContext context) {
        return new com.mstore.hub.metrics.FlowSummary(com.mstore.hub.metrics.MetricsRegistry.of(context));
    }

    @BindToRegistry("redeliveryCounter")
    public RedeliveryCounter redeliveryCounter() {
        return new RedeliveryCounter();
    }

    @BindToRegistry("failureHeaders")
    public FailureHeaders failureHeaders() {
        return new FailureHeaders();
    }

    @BindToRegistry("mailRenderer")
    public MailRenderer mailRenderer() {
        return new MailRenderer();
    }

    @BindToRegistry("mailFailures")
    public MailFailures mailFailures() {
        return new MailFailures();
    }

    @BindToRegistry("cacheInvalidator")
    public CacheInvalidator cacheInvalidator(StringRedisTemplate redisTemplate) {
        return new CacheInvalidator(redisTemplate, new KeyGuard(allowedCachePrefixes), cacheScanBatch);
    }

    /** How far ahead of this hub's clock an event's time may be (see Timestamps). */
    @PropertyInject("mstore.events.max-clock-skew")
    private String maxClockSkew;

    @PropertyInject("mstore.orders.status-lifecycle")
    private String statusLifecycle;

    private Timestamps timestamps() {
        return new Timestamps(Clock.systemUTC(), Duration.ofMillis(TimeUtils.toMilliSeconds(maxClockSkew)));
    }

    @BindToRegistry("orderRepository")
    public OrderRepository orderRepository(StringRedisTemplate redisTemplate) {
        return new OrderRepository(redisTemplate, timestamps(), List.of(statusLifecycle.split("\\s*,\\s*")));
    }

    @PropertyInject("mstore.devices.retention")
    private String deviceRetention;

    @PropertyInject("mstore.devices.max-new-per-window")
    private long maxNewDevicesPerWindow;

    @PropertyInject("mstore.devices.new-window")
    private String newDevicesWindow;

    @PropertyInject("mstore.devices.sweep-batch-size")
    private int deviceSweepBatch;

    @BindToRegistry("deviceRegistry")
    public DeviceRegistry deviceRegistry(StringRedisTemplate redisTemplate) {
        return new DeviceRegistry(redisTemplate, lowBatteryThreshold, TimeUtils.toMilliSeconds(offlineAfter), Clock.systemUTC(),
                timestamps(), new DeviceRegistry.Limits(TimeUtils.toMilliSeconds(deviceRetention), maxNewDevicesPerWindow,
                        TimeUtils.toMilliSeconds(newDevicesWindow), deviceSweepBatch));
    }

    @PropertyInject("mstore.devices.workers")
    private int deviceWorkers;

    /** Statuses applied side by side, each device's in order (its topic names it). */
    @BindToRegistry("deviceStatusWorkers")
    public com.mstore.hub.workers.OrderedWorkers deviceStatusWorkers(org.apache.camel.CamelContext context) {
        return new com.mstore.hub.workers.OrderedWorkers(context, "device-status", deviceWorkers,
                org.apache.camel.builder.ExpressionBuilder.headerExpression(org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants.MQTT_TOPIC));
    }

    @BindToRegistry("notificationChannels")
    public NotificationChannels notificationChannels() {
        return new NotificationChannels();
    }

    @PropertyInject("mstore.instance-id")
    private String instanceId;

    /** The notifications this instance pushed (user and payload), for the skip-duplicate kamelet: keys kept mstore.dedupe.ttl-seconds. */
    @BindToRegistry("notificationDedupeRepository")
    public SpringRedisStringIdempotentRepository notificationDedupeRepository(StringRedisTemplate redisTemplate) {
        SpringRedisStringIdempotentRepository repository = new SpringRedisStringIdempotentRepository(redisTemplate,
                "mstore:idem:notifications:" + instanceId);
        repository.setExpiry(dedupeTtlSeconds);
        return repository;
    }

    /**
     * Pub/sub payloads arrive as the bytes that were published (not Java-serialized objects, the
     * component's default): decoding is left to InboundJson, which refuses invalid UTF-8 instead of
     * letting a lenient decoder turn it into replacement characters.
     */
    @BindToRegistry("redisPayloadSerializer")
    public RedisSerializer<byte[]> redisPayloadSerializer() {
        return RedisSerializer.byteArray();
    }

    /** Its transactional id names this instance: a restarted (or replaced) instance fences its own former self. */
    @BindToRegistry(value = "auditLog", destroyMethod = "close")
    public AuditLog auditLog() {
        return new AuditLog(new AuditLog.Settings(kafkaBrokers, auditTopic, transactionsDeadLetterTopic,
                auditTransactionalId, Duration.ofMillis(auditKafkaTimeoutMs), Duration.ofMillis(auditCommitRetryMs),
                Duration.ofMillis(auditTransactionTimeoutMs)), Clock.systemUTC());
    }

    @BindToRegistry("transactionDedupe")
    public TransactionDedupe transactionDedupe(StringRedisTemplate redisTemplate) {
        return new TransactionDedupe(redisTemplate, "mstore:idem:transactions:", dedupeTtlSeconds);
    }

    @BindToRegistry("auditLogReader")
    public AuditedTransactions.Reader auditLogReader() {
        return new AuditedTransactions.Reader(Duration.ofMillis(TimeUtils.toMilliSeconds(receiptsMaxAge)), Clock.systemUTC());
    }

    /** Mandatory, confirmed publishes, on a connection apart from the consumers' (see RabbitPublisher). */
    @BindToRegistry("rabbitPublisher")
    public RabbitPublisher rabbitPublisher(CachingConnectionFactory rabbitConnectionFactory) {
        return new RabbitPublisher(rabbitConnectionFactory, Duration.ofMillis(rabbitConfirmTimeoutMs));
    }

    @PropertyInject("mstore.emails.claim-ttl-seconds")
    private long emailClaimTtlSeconds;

    /** Once per job id across workers and instances (CONTRACTS.md, Cross-cutting: mstore:idem:emails:{jobId}). */
    @BindToRegistry("emailJobClaims")
    public EmailJobClaims emailJobClaims(StringRedisTemplate redisTemplate) {
        return new EmailJobClaims(redisTemplate, "mstore:idem:emails:", Duration.ofSeconds(emailClaimTtlSeconds),
                Duration.ofSeconds(dedupeTtlSeconds));
    }

    @BindToRegistry("emailJobQueue")
    public EmailJobQueue emailJobQueue(RabbitPublisher rabbitPublisher) {
        return new EmailJobQueue(rabbitPublisher, emailQueue);
    }
}
