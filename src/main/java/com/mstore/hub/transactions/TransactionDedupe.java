package com.mstore.hub.transactions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mstore.hub.errors.ReadAgainException;
import com.mstore.hub.redis.RedisScripts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The transaction codes already audited, for a whole batch at once: Redis keys
 * {@code mstore:idem:transactions:{code}} (CONTRACTS.md, Cross-cutting). Before its commit a batch
 * claims the codes it is to audit, in one script (all or none), for the records that carry them;
 * after the commit the claims become audited marks, kept for the dedupe window, never deleted.
 *
 * <p>The claim closes a race a plain look-up leaves open: the same code on two partitions (published
 * twice with no key, or with another key) read by two instances at once, each finding it new and
 * each auditing it. A code another record has claimed is waited for: it is audited (a duplicate)
 * or its claim is given up (its batch was dead-lettered) within moments, and a batch that still
 * finds it claimed after {@code waitAtMost} is read again. A claim for the same record is the
 * batch's own (that record read again after a rebalance or an aborted batch; Kafka lets one reader
 * commit it). A claim lives as long as a batch may take ({@code claimTtl}); it only outlives its
 * batch when the batch's instance dies, and then the record is read again by the partition's next
 * owner, who takes it over.
 *
 * <p>Why not Camel's idempotent consumer: it asks Redis once per message, and its
 * {@code removeOnFailure} deletes a key when the exchange that found it fails, so a copy of an
 * audited transaction that meets an outage would take the key with it.
 */
public class TransactionDedupe {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionDedupe.class);
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> CLAIM = RedisScripts.load("claim-transaction-codes", List.class);
    private static final RedisScript<Long> RELEASE = RedisScripts.load("release-claims", Long.class);
    /** One SET ... EX per code, in one script: one round trip for the batch. */
    private static final RedisScript<Long> REMEMBER = RedisScripts.load("remember-keys", Long.class);

    private final StringRedisTemplate redis;
    private final String prefix;
    private final long ttlSeconds;
    private final Duration claimTtl;
    private final Duration waitAtMost;

    public TransactionDedupe(StringRedisTemplate redis, String prefix, long ttlSeconds, Duration claimTtl, Duration waitAtMost) {
        this.redis = redis;
        this.prefix = prefix;
        this.ttlSeconds = ttlSeconds;
        this.claimTtl = claimTtl;
        this.waitAtMost = waitAtMost;
    }

    /**
     * Claims the codes the batch is to audit, and marks its duplicates: codes already audited, and
     * repeats of a code within the batch.
     */
    @SuppressWarnings("unchecked")
    public void claim(AuditBatch batch) throws InterruptedException {
        Map<String, String> claims = batch.claimsToAudit();
        Set<String> audited = new HashSet<>();
        if (!claims.isEmpty()) {
            List<String> codes = new ArrayList<>(claims.keySet());
            List<String> args = new ArrayList<>(claims.values());
            args.add(String.valueOf(claimTtl.toSeconds()));
            long deadline = System.nanoTime() + waitAtMost.toNanos();
            long pauseMillis = 10;
            while (true) {
                List<String> answers = redis.execute(CLAIM, codes.stream().map(this::key).toList(), args.toArray());
                int busy = answers.indexOf("busy");
                if (busy < 0) {
                    for (int i = 0; i < codes.size(); i++) {
                        if ("audited".equals(answers.get(i))) {
                            audited.add(codes.get(i));
                        }
                    }
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new ReadAgainException("transaction " + codes.get(busy) + " is being audited from another record (a copy on "
                            + "another partition) for more than " + waitAtMost.toMillis() + " ms", null);
                }
                // another instance's batch is between its claim and its commit: moments
                Thread.sleep(pauseMillis);
                pauseMillis = Math.min(500, pauseMillis * 2);
            }
        }
        batch.markDuplicates(audited);
    }

    /**
     * After the commit: the codes the batch audited are marked audited for the dedupe window, and
     * the claims of records that ended as dead letters after all are given up.
     */
    public void remember(AuditBatch batch) {
        Map<String, String> audited = batch.claimsToAudit();
        if (!audited.isEmpty()) {
            List<String> values = new ArrayList<>(audited.keySet());
            values.add(String.valueOf(ttlSeconds));
            redis.execute(REMEMBER, audited.keySet().stream().map(this::key).toList(), values.toArray());
        }
        release(batch.claimsOf(AuditBatch.Outcome.DEAD_LETTER));
    }

    /** The batch was dead-lettered whole: none of its codes was audited, and others may audit them now. */
    public void releaseAll(AuditBatch batch) {
        release(batch.claimsToAudit());
    }

    private void release(Map<String, String> claims) {
        if (claims.isEmpty()) {
            return;
        }
        try {
            redis.execute(RELEASE, claims.keySet().stream().map(this::key).toList(), claims.values().toArray());
        } catch (RuntimeException e) {
            // another record with one of these codes waits for the claims to run out instead
            LOG.warn("Could not give up the claims of {} transaction code(s) ({}): they run out in {} s", claims.size(),
                    e.getMessage(), claimTtl.toSeconds());
        }
    }

    private String key(String code) {
        return prefix + code;
    }
}
