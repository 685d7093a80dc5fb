package com.mstore.hub.transactions;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.mstore.hub.redis.RedisScripts;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The transaction codes already audited, for a whole batch at once: Redis keys
 * {@code mstore:idem:transactions:{code}} (CONTRACTS.md, Cross-cutting), read with one MGET and
 * written with one script after the batch's commit.
 *
 * <p>Why not Camel's idempotent consumer: it asks Redis once per message, and its
 * {@code removeOnFailure} deletes a key when the exchange that found it fails, so a copy of an
 * audited transaction that meets an outage would take the key with it. Here a key is only ever
 * written after a commit and never deleted.
 */
public class TransactionDedupe {

    /** One SET ... EX per code, in one script: one round trip for the batch. */
    private static final RedisScript<Long> REMEMBER = RedisScripts.load("remember-keys", Long.class);

    private final StringRedisTemplate redis;
    private final String prefix;
    private final long ttlSeconds;

    public TransactionDedupe(StringRedisTemplate redis, String prefix, long ttlSeconds) {
        this.redis = redis;
        this.prefix = prefix;
        this.ttlSeconds = ttlSeconds;
    }

    /** Marks the batch's duplicates: codes already audited, and repeats of a code within the batch. */
    public void skipKnown(AuditBatch batch) {
        List<String> codes = batch.codesToAudit();
        Set<String> known = new HashSet<>();
        if (!codes.isEmpty()) {
            List<String> values = redis.opsForValue().multiGet(codes.stream().map(this::key).toList());
            for (int i = 0; i < codes.size(); i++) {
                if (values != null && values.get(i) != null) {
                    known.add(codes.get(i));
                }
            }
        }
        batch.markDuplicates(known);
    }

    /** Remembers the codes the batch audited, for the dedupe window. Call only after the commit. */
    public void remember(AuditBatch batch) {
        List<String> codes = batch.codesToAudit();
        if (codes.isEmpty()) {
            return;
        }
        List<String> values = new java.util.ArrayList<>(codes);
        values.add(String.valueOf(ttlSeconds));
        redis.execute(REMEMBER, codes.stream().map(this::key).toList(), values.toArray());
    }

    private String key(String code) {
        return prefix + code;
    }
}
