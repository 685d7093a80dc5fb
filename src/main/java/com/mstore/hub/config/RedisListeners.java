package com.mstore.hub.config;

import com.mstore.hub.redis.BoundedListenerContainer;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The Redis pub/sub listeners of flow 5, each with a bounded number of threads (see
 * BoundedListenerContainer). Cache invalidations are independent of each other and may run side by
 * side; a user's notifications must reach the WebSocket in the order they were published, so they
 * run on one thread.
 */
@Configuration
public class RedisListeners implements CamelConfiguration, CamelContextAware {

    @PropertyInject("mstore.cache.listener-threads")
    private int cacheThreads;

    @PropertyInject("mstore.redis.listener-queue-capacity")
    private int queueCapacity;

    private CamelContext context;

    @BindToRegistry(value = "cacheInvalidationListener", destroyMethod = "destroy")
    public BoundedListenerContainer cacheInvalidationListener() {
        return new BoundedListenerContainer("cache-invalidation", connections(), cacheThreads, queueCapacity, this::metrics);
    }

    @BindToRegistry(value = "notificationListener", destroyMethod = "destroy")
    public BoundedListenerContainer notificationListener() {
        return new BoundedListenerContainer("user-notifications", connections(), 1, queueCapacity, this::metrics);
    }

    /** Bound by RedisConnections, which HubApplication configures first. */
    private RedisConnectionFactory connections() {
        return context.getRegistry().lookupByNameAndType("redisConnectionFactory", RedisConnectionFactory.class);
    }

    /** The hub's Prometheus registry; a context without metrics (the route-file checks) counts into a private one. */
    private MeterRegistry metrics() {
        return com.mstore.hub.metrics.MetricsRegistry.of(context);
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }
}
