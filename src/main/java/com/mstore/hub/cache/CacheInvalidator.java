package com.mstore.hub.cache;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Deletes the cache entries an invalidation names, after the {@link KeyGuard} allowed them. A
 * pattern is walked with SCAN in small batches and each batch removed with UNLINK (freed in the
 * background), so a large keyspace never blocks Redis the way KEYS or one huge DEL would.
 */
public class CacheInvalidator {

    private final StringRedisTemplate redis;
    private final KeyGuard guard;
    private final int batchSize;

    public CacheInvalidator(StringRedisTemplate redis, KeyGuard guard, int batchSize) {
        this.redis = redis;
        this.guard = guard;
        this.batchSize = batchSize;
    }

    /**
     * Applies one invalidation (the canonical tree the intake step leaves, with a key or a pattern);
     * returns how many keys went. One method of this name: with overloads, Camel's bean binding picks
     * one for every message, converting the body to each candidate's type (make bench, profiled).
     */
    public long invalidate(JsonNode message) throws Exception {
        if (message.hasNonNull("key")) {
            String key = message.get("key").asText();
            guard.checkKey(key);
            Long removed = redis.unlink(List.of(key));
            return removed == null ? 0 : removed;
        }
        String pattern = message.get("pattern").asText();
        guard.checkPattern(pattern);
        return unlinkMatching(pattern);
    }

    private long unlinkMatching(String pattern) {
        long removed = 0;
        List<String> batch = new ArrayList<>(batchSize);
        ScanOptions options = ScanOptions.scanOptions().match(pattern).count(batchSize).build();
        try (Cursor<String> keys = redis.scan(options)) {
            while (keys.hasNext()) {
                batch.add(keys.next());
                if (batch.size() == batchSize) {
                    removed += unlink(batch);
                    batch.clear();
                }
            }
        }
        return removed + unlink(batch);
    }

    private long unlink(List<String> keys) {
        if (keys.isEmpty()) {
            return 0;
        }
        Long removed = redis.unlink(keys);
        return removed == null ? 0 : removed;
    }
}
