package com.mstore.hub.config;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.redis.processor.idempotent.SpringRedisStringIdempotentRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The dedupe store every flow's idempotent consumer uses: Redis keys {@code mstore:idem:{flow}:{id}}
 * with a TTL, shared by all hub instances (CONTRACTS.md, Cross-cutting).
 */
@Configuration
public class DedupeStores implements CamelConfiguration {

    @PropertyInject("mstore.dedupe.ttl-seconds")
    private long ttlSeconds;

    @BindToRegistry("emailJobDedupe")
    public IdempotentRepository emailJobDedupe(StringRedisTemplate redisTemplate) {
        return forFlow(redisTemplate, "emails");
    }

    private IdempotentRepository forFlow(StringRedisTemplate redisTemplate, String flow) {
        SpringRedisStringIdempotentRepository repository =
                new SpringRedisStringIdempotentRepository(redisTemplate, "mstore:idem:" + flow);
        repository.setExpiry(ttlSeconds);
        return repository;
    }
}
