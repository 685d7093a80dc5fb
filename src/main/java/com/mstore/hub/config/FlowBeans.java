package com.mstore.hub.config;

import java.time.Clock;

import com.mstore.hub.cache.CacheInvalidator;
import com.mstore.hub.cache.KeyGuard;
import com.mstore.hub.devices.DeviceRegistry;
import com.mstore.hub.emails.MailFailures;
import com.mstore.hub.notifications.NotificationChannels;
import com.mstore.hub.orders.OrderRepository;
import com.mstore.hub.errors.FailureHeaders;
import com.mstore.hub.json.InboundJson;
import com.mstore.hub.metrics.RedeliveryCounter;
import com.mstore.hub.transactions.AuditLog;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.util.TimeUtils;
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

    @PropertyInject("mstore.transactions.consumer-group")
    private String transactionsConsumerGroup;

    @PropertyInject("mstore.cache.allowed-prefixes")
    private String allowedCachePrefixes;

    @PropertyInject("mstore.cache.scan-batch-size")
    private int cacheScanBatch;

    @PropertyInject("mstore.devices.low-battery")
    private int lowBatteryThreshold;

    @PropertyInject("mstore.devices.offline-after")
    private String offlineAfter;

    @PropertyInject("mstore.instance-id")
    private String instanceId;

    @BindToRegistry("inboundJson")
    public InboundJson inboundJson() {
        return new InboundJson();
    }

    @BindToRegistry("redeliveryCounter")
    public RedeliveryCounter redeliveryCounter() {
        return new RedeliveryCounter();
    }

    @BindToRegistry("failureHeaders")
    public FailureHeaders failureHeaders() {
        return new FailureHeaders();
    }

    @BindToRegistry("mailFailures")
    public MailFailures mailFailures() {
        return new MailFailures();
    }

    @BindToRegistry("cacheInvalidator")
    public CacheInvalidator cacheInvalidator(StringRedisTemplate redisTemplate) {
        return new CacheInvalidator(redisTemplate, new KeyGuard(allowedCachePrefixes), cacheScanBatch);
    }

    @BindToRegistry("orderRepository")
    public OrderRepository orderRepository(StringRedisTemplate redisTemplate) {
        return new OrderRepository(redisTemplate);
    }

    @BindToRegistry("deviceRegistry")
    public DeviceRegistry deviceRegistry(StringRedisTemplate redisTemplate) {
        return new DeviceRegistry(redisTemplate, lowBatteryThreshold, TimeUtils.toMilliSeconds(offlineAfter), Clock.systemUTC());
    }

    @BindToRegistry("notificationChannels")
    public NotificationChannels notificationChannels() {
        return new NotificationChannels();
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

    @BindToRegistry(value = "auditLog", destroyMethod = "close")
    public AuditLog auditLog() {
        return new AuditLog(kafkaBrokers, auditTopic, transactionsDeadLetterTopic, transactionsConsumerGroup,
                "mstore-hub-audit-" + instanceId, Clock.systemUTC());
    }
}
