package com.mstore.hub.notifications;

import com.mstore.hub.metrics.MetricsRegistry;
import com.mstore.hub.redis.BoundedListenerContainer;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/** What routes/notifications.camel.yaml calls by name (mstore.notifications.*). */
@Configuration
public class NotificationsBeans implements CamelConfiguration {

    @PropertyInject("mstore.redis.listener-queue-max-bytes")
    private long queueMaxBytes;

    @BindToRegistry("notificationChannels")
    public NotificationChannels notificationChannels() {
        return new NotificationChannels();
    }

    /** A user's notifications must reach the WebSocket in the order they were published: one thread. */
    @BindToRegistry(value = "notificationListener", destroyMethod = "destroy")
    public BoundedListenerContainer notificationListener(CamelContext context, RedisConnectionFactory redisConnectionFactory) {
        return new BoundedListenerContainer("notifications", redisConnectionFactory, 1, queueMaxBytes,
                () -> MetricsRegistry.of(context));
    }
}
