package com.mstore.hub.deadletters;

import java.time.Clock;
import java.time.Duration;

import com.mstore.hub.flows.Flows;
import com.mstore.hub.metrics.MetricsRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The dead-letter store, what files dead letters in it, and the API that lists and replays them (mstore.dead-letters.*). */
@Configuration
public class DeadLetterBeans implements CamelConfiguration {

    @PropertyInject("mstore.dead-letters.key-prefix")
    private String keyPrefix;

    @PropertyInject("mstore.dead-letters.max-per-flow")
    private int maxPerFlow;

    @PropertyInject("mstore.dead-letters.max-bytes-per-flow")
    private long maxBytesPerFlow;

    @PropertyInject("mstore.dead-letters.max-body-bytes")
    private int maxBodyBytes;

    @PropertyInject("mstore.dead-letters.scan-per-page")
    private int scanPerPage;

    @PropertyInject("mstore.dead-letters.list-body-chars")
    private int listBodyChars;

    @PropertyInject("mstore.dead-letters.broadcast-window-seconds")
    private long broadcastWindowSeconds;

    @PropertyInject("mstore.dead-letters.replay-timeout-ms")
    private long replayTimeoutMs;

    @PropertyInject("mstore.dedupe.ttl-seconds")
    private long dedupeTtlSeconds;

    @BindToRegistry(value = "deadLetterStore", lazy = true)
    public DeadLetterStore deadLetterStore(StringRedisTemplate redisTemplate) {
        // a listing shows list-body-chars characters, up to four bytes each
        return new DeadLetterStore(redisTemplate, keyPrefix,
                new DeadLetterStore.Limits(maxPerFlow, maxBytesPerFlow, 4 * listBodyChars, scanPerPage), dedupeTtlSeconds);
    }

    @BindToRegistry(value = "deadLetterMetrics", lazy = true)
    public DeadLetterMetrics deadLetterMetrics(CamelContext context, DeadLetterStore deadLetterStore) {
        return new DeadLetterMetrics(MetricsRegistry.of(context), deadLetterStore);
    }

    @BindToRegistry(value = "deadLetterCapture", lazy = true)
    public DeadLetterCapture deadLetterCapture(DeadLetterStore deadLetterStore, DeadLetterMetrics deadLetterMetrics) {
        return new DeadLetterCapture(deadLetterStore, deadLetterMetrics, maxBodyBytes, broadcastWindowSeconds);
    }

    @BindToRegistry(value = "deadLetterApi", lazy = true)
    public DeadLetterApi deadLetterApi(CamelContext context, DeadLetterStore deadLetterStore, DeadLetterMetrics deadLetterMetrics) {
        DeadLetterReplay replay = new DeadLetterReplay(context, Duration.ofMillis(replayTimeoutMs));
        return new DeadLetterApi(context, deadLetterStore, replay, deadLetterMetrics, listBodyChars, maxBodyBytes, Clock.systemUTC());
    }

    /** Each flow's stored gauge, as flows are loaded, added and removed. */
    @Override
    public void configure(CamelContext context) {
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            {
                setIgnoreExchangeEvents(true);
                setIgnoreCamelContextEvents(true);
                setIgnoreServiceEvents(true);
                setIgnoreStepEvents(true);
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.RouteAddedEvent || event instanceof CamelEvent.RouteRemovedEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                context.getRegistry().lookupByNameAndType("deadLetterMetrics", DeadLetterMetrics.class).follow(Flows.names(context));
            }
        });
    }
}
