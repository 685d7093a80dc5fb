package com.mstore.hub.config;

import java.time.Clock;
import java.time.Duration;

import com.mstore.hub.deadletters.DeadLetterApi;
import com.mstore.hub.deadletters.DeadLetterCapture;
import com.mstore.hub.deadletters.DeadLetterMetrics;
import com.mstore.hub.deadletters.DeadLetterReplay;
import com.mstore.hub.deadletters.DeadLetterStore;
import com.mstore.hub.metrics.MetricsRegistry;
import com.mstore.hub.rabbitmq.RabbitPublisher;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The dead-letter store, what files dead letters in it, and the API that lists and replays them (mstore.dead-letters.*). */
@Configuration
public class DeadLetterBeans implements CamelConfiguration {

    @PropertyInject("mstore.dead-letters.key-prefix")
    private String keyPrefix;

    @PropertyInject("mstore.dead-letters.max-per-flow")
    private int maxPerFlow;

    @PropertyInject("mstore.dead-letters.max-body-bytes")
    private int maxBodyBytes;

    @PropertyInject("mstore.dead-letters.list-body-chars")
    private int listBodyChars;

    @PropertyInject("mstore.dead-letters.broadcast-window-seconds")
    private long broadcastWindowSeconds;

    @PropertyInject("mstore.dead-letters.replay-timeout-ms")
    private long replayTimeoutMs;

    @PropertyInject("mstore.dedupe.ttl-seconds")
    private long dedupeTtlSeconds;

    @PropertyInject("mstore.emails.queue")
    private String emailQueue;

    @PropertyInject("mstore.devices.client-id")
    private String devicesClientId;

    private DeadLetterStore store;
    private DeadLetterMetrics metrics;

    // Built here, not bound beans of their own passed as parameters: camel-main calls these methods
    // in no fixed order, so a parameter naming a sibling bean may not exist yet.
    private synchronized DeadLetterStore store(StringRedisTemplate redisTemplate) {
        if (store == null) {
            store = new DeadLetterStore(redisTemplate, keyPrefix, maxPerFlow, dedupeTtlSeconds);
        }
        return store;
    }

    private synchronized DeadLetterMetrics metrics(CamelContext context, StringRedisTemplate redisTemplate) {
        if (metrics == null) {
            metrics = new DeadLetterMetrics(MetricsRegistry.of(context), store(redisTemplate));
        }
        return metrics;
    }

    @BindToRegistry("deadLetterStore")
    public DeadLetterStore deadLetterStore(StringRedisTemplate redisTemplate) {
        return store(redisTemplate);
    }

    @BindToRegistry("deadLetterCapture")
    public DeadLetterCapture deadLetterCapture(CamelContext context, StringRedisTemplate redisTemplate) {
        return new DeadLetterCapture(store(redisTemplate), metrics(context, redisTemplate), maxBodyBytes, emailQueue,
                broadcastWindowSeconds);
    }

    @BindToRegistry("deadLetterApi")
    public DeadLetterApi deadLetterApi(CamelContext context, RabbitPublisher rabbitPublisher, StringRedisTemplate redisTemplate) {
        DeadLetterStore deadLetterStore = store(redisTemplate);
        DeadLetterMetrics deadLetterMetrics = metrics(context, redisTemplate);
        DeadLetterReplay replay = new DeadLetterReplay(context, rabbitPublisher, redisTemplate,
                Duration.ofMillis(replayTimeoutMs), devicesClientId + "-replay");
        return new DeadLetterApi(deadLetterStore, replay, deadLetterMetrics, listBodyChars, maxBodyBytes, Clock.systemUTC());
    }

    @BindToRegistry("flowActivity")
    public com.mstore.hub.console.FlowActivity flowActivity(CamelContext context, StringRedisTemplate redisTemplate) {
        return new com.mstore.hub.console.FlowActivity(context, MetricsRegistry.of(context), store(redisTemplate));
    }

    @BindToRegistry("consolePage")
    public com.mstore.hub.console.ConsolePage consolePage() {
        return new com.mstore.hub.console.ConsolePage();
    }

    @Override
    public void configure(CamelContext camelContext) {
        // beans only
    }
}
