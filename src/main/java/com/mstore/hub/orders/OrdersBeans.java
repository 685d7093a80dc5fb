package com.mstore.hub.orders;

import java.util.List;

import com.mstore.hub.json.Timestamps;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.springframework.data.redis.core.StringRedisTemplate;

/** What routes/Orders.java calls by name (mstore.orders.*). */
@Configuration
public class OrdersBeans implements CamelConfiguration {

    @PropertyInject("mstore.orders.status-lifecycle")
    private String statusLifecycle;

    @BindToRegistry(value = "orderRepository", lazy = true)
    public OrderRepository orderRepository(StringRedisTemplate redisTemplate, Timestamps eventTimestamps) {
        return new OrderRepository(redisTemplate, eventTimestamps, List.of(statusLifecycle.split("\\s*,\\s*")));
    }
}
