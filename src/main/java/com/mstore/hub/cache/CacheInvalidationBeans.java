package com.mstore.hub.cache;

import com.mstore.hub.metrics.MetricsRegistry;
import com.mstore.hub.redis.BoundedListenerContainer;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** What routes/cache-invalidation.camel.yaml calls by name (mstore.cache-invalidation.*). */
@Configuration
public class CacheInvalidationBeans implements CamelConfiguration {

    @PropertyInject("mstore.cache-invalidation.allowed-prefixes")
    private String allowedPrefixes;

    @PropertyInject("mstore.cache-invalidation.scan-batch-size")
    private int scanBatch;

    @PropertyInject("mstore.cache-invalidation.listener-threads")
    private int listenerThreads;

    @PropertyInject("mstore.redis.listener-queue-max-bytes")
    private long queueMaxBytes;

    @BindToRegistry(value = "cacheInvalidator", lazy = true)
    public CacheInvalidator cacheInvalidator(StringRedisTemplate redisTemplate) {
        return new CacheInvalidator(redisTemplate, new KeyGuard(allowedPrefixes), scanBatch);
    }

    /** Invalidations are independent of each other: they run side by side, on a bounded number of threads. */
    @BindToRegistry(value = "cacheInvalidationListener", destroyMethod = "destroy")
    public BoundedListenerContainer cacheInvalidationListener(CamelContext context, RedisConnectionFactory redisConnectionFactory) {
        return new BoundedListenerContainer("cache-invalidation", redisConnectionFactory, listenerThreads, queueMaxBytes,
                () -> MetricsRegistry.of(context));
    }
}
