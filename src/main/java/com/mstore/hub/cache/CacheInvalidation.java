package com.mstore.hub.cache;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A message on Redis channel {@code cache:invalidate} (CONTRACTS.md section 5): one key, or a pattern. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CacheInvalidation(String key, String pattern, long timestamp) {

    public static CacheInvalidation ofKey(String key) {
        return new CacheInvalidation(key, null, Instant.now().getEpochSecond());
    }
}
