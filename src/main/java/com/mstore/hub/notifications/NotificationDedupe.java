package com.mstore.hub.notifications;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A notification is pushed once by each hub instance: the same one published again (the backend
 * retrying, or a dead letter replayed twice) is a duplicate. A notification's identity is its user
 * and its canonical payload (message and timestamp), remembered in
 * {@code mstore:idem:notifications:{instance}:{userId}:{sha-256}}: per instance, because every
 * instance receives every notification for the sockets connected to it.
 *
 * <p>One SET NX per notification, before it is pushed: a push that then fails is not retried (a
 * WebSocket push has no acknowledgement to retry on), which is pub/sub's at-most-once anyway.
 */
public class NotificationDedupe {

    private final StringRedisTemplate redis;
    private final String prefix;
    private final Duration ttl;

    public NotificationDedupe(StringRedisTemplate redis, String instanceId, Duration ttl) {
        this.redis = redis;
        this.prefix = "mstore:idem:notifications:" + instanceId + ":";
        this.ttl = ttl;
    }

    /** True the first time this instance sees this notification for this user within the dedupe window. */
    public boolean first(long userId, String canonicalJson) {
        Boolean set = redis.opsForValue().setIfAbsent(prefix + userId + ":" + sha256(canonicalJson), "1", ttl);
        return Boolean.TRUE.equals(set);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }
}
