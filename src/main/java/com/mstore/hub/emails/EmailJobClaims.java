package com.mstore.hub.emails;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.mstore.hub.redis.RedisScripts;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Each job id is mailed once, however many workers on however many hub instances get a copy: a
 * worker claims the job in Redis before sending ({@code mstore:idem:emails:{jobId}} set to its claim,
 * with a lifetime longer than one send), and marks it sent afterwards (kept for the dedupe window).
 * A copy that finds it sent is a duplicate; one that finds a live claim waits until the claim turns
 * into "sent" or expires (its worker died), and then mails it itself.
 *
 * <p>A worker holds its claim for as long as it works on the job, renewing it every third of its
 * lifetime, however long the SMTP server takes: only a dead worker's claim runs out. Before it sends
 * again (a redelivery), it checks that the claim is still its own, so a mail whose first send had an
 * unknown outcome is never sent again once another worker took or mailed the job.
 *
 * <p>Why not Camel's idempotent consumer: it checks and then adds (two workers can both find the id
 * absent), and its {@code removeOnFailure} deletes the key when the exchange that found it fails. A
 * claim here is set atomically, and only ever removed by the worker that holds it.
 */
public class EmailJobClaims {

    private static final Logger LOG = LoggerFactory.getLogger(EmailJobClaims.class);
    private static final RedisScript<String> CLAIM = RedisScripts.load("claim-email-job", String.class);
    private static final RedisScript<Long> RELEASE = RedisScripts.load("release-claim", Long.class);
    static final String SENT = "sent";

    /** The exchange property that says whether this delivery holds the job's claim (it is to mail it). */
    public static final String CLAIMED = "mstoreJobClaimed";

    private final StringRedisTemplate redis;
    private final String prefix;
    private final Duration claimTtl;
    private final Duration sentTtl;
    private final Duration renewEvery;
    private ScheduledExecutorService renewals;

    public EmailJobClaims(StringRedisTemplate redis, String prefix, Duration claimTtl, Duration sentTtl) {
        this.redis = redis;
        this.prefix = prefix;
        this.claimTtl = claimTtl;
        this.sentTtl = sentTtl;
        this.renewEvery = claimTtl.dividedBy(3);
    }

    /**
     * Route step: claims the job of property {@code job} for this delivery (the exchange: the same
     * on each redelivery attempt, which extends the claim) and sets {@link #CLAIMED}: false when the
     * job was mailed already.
     */
    public void claim(Exchange exchange) throws InterruptedException {
        String jobId = exchange.getProperty("job", EmailJob.class).jobId();
        String owner = exchange.getExchangeId();
        boolean claimed = claim(jobId, owner);
        exchange.setProperty(CLAIMED, claimed);
        if (claimed) {
            ScheduledFuture<?> renewal = renewals(exchange.getContext()).scheduleWithFixedDelay(() -> renew(jobId, owner),
                    renewEvery.toMillis(), renewEvery.toMillis(), TimeUnit.MILLISECONDS);
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    renewal.cancel(false);
                }
            });
        }
    }

    /**
     * Route step before each send: true when this is a redelivery and the job's claim is no longer
     * this delivery's (another worker took it after it ran out, or mailed the job): it must not be
     * sent from here again.
     */
    public boolean lostBeforeRetry(Exchange exchange) {
        Integer attempt = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        if (attempt == null || attempt == 0) {
            return false;
        }
        String jobId = exchange.getProperty("job", EmailJob.class).jobId();
        String found = redis.execute(CLAIM, List.of(prefix + jobId), claimOf(exchange.getExchangeId()), String.valueOf(claimTtl.toSeconds()));
        if ("claimed".equals(found)) {
            return false;
        }
        LOG.warn("Email job {} is no longer this worker's to send ({}): not sent again from here", jobId,
                "sent".equals(found) ? "mailed meanwhile" : "claimed by another worker");
        exchange.setProperty(CLAIMED, false);
        return true;
    }

    private void renew(String jobId, String owner) {
        try {
            String found = redis.execute(CLAIM, List.of(prefix + jobId), claimOf(owner), String.valueOf(claimTtl.toSeconds()));
            // "sent" is this worker's own mark, just before the renewals stop
            if ("busy".equals(found)) {
                LOG.warn("Email job {}: another worker took its claim while this one held it", jobId);
            }
        } catch (RuntimeException e) {
            LOG.warn("Email job {}: its claim could not be renewed: {}", jobId, e.getMessage());
        }
    }

    private synchronized ScheduledExecutorService renewals(CamelContext context) {
        if (renewals == null) {
            // Camel's own pool: shut down with the context
            renewals = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "email-claim-renewals");
        }
        return renewals;
    }

    /** Route step: marks the job of property {@code job} mailed. */
    public void sent(Exchange exchange) {
        sent(exchange.getProperty("job", EmailJob.class).jobId());
    }

    /** Route step of a dead-lettered job: gives up the claim this delivery holds, if it holds one. */
    public void release(Exchange exchange) {
        EmailJob job = exchange.getProperty("job", EmailJob.class);
        if (job != null && Boolean.TRUE.equals(exchange.getProperty(CLAIMED, Boolean.class))) {
            release(job.jobId(), exchange.getExchangeId());
        }
    }

    /**
     * Claims the job for an owner; true when it is the owner's to mail, false when it was mailed
     * already. Waits while another owner's claim lives, at most twice its lifetime.
     */
    public boolean claim(String jobId, String owner) throws InterruptedException {
        long deadline = System.nanoTime() + claimTtl.multipliedBy(2).toNanos();
        long pauseMillis = 50;
        boolean waited = false;
        while (true) {
            String found = redis.execute(CLAIM, List.of(prefix + jobId), claimOf(owner), String.valueOf(claimTtl.toSeconds()));
            switch (found == null ? "" : found) {
                case "claimed" -> {
                    if (waited) {
                        LOG.info("Email job {}: the claim of another worker ran out: mailing it here", jobId);
                    }
                    return true;
                }
                case "sent" -> {
                    return false;
                }
                case "busy" -> {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("email job " + jobId + " is still claimed by another worker after "
                                + claimTtl.multipliedBy(2).toSeconds() + " s");
                    }
                    waited = true;
                    // a worker waiting on another's claim is not failing: no redelivery, no dead letter
                    Thread.sleep(pauseMillis);
                    pauseMillis = Math.min(1000, pauseMillis * 2);
                }
                default -> throw new IllegalStateException("unexpected answer from the claim script: " + found);
            }
        }
    }

    /** Marks the job mailed, for the dedupe window. */
    public void sent(String jobId) {
        redis.opsForValue().set(prefix + jobId, SENT, sentTtl);
    }

    /** Gives the job back (it was dead-lettered): only the claim of this owner is removed, never a sent mark. */
    public void release(String jobId, String owner) {
        if (jobId != null) {
            redis.execute(RELEASE, List.of(prefix + jobId), claimOf(owner));
        }
    }

    private static String claimOf(String owner) {
        return "claim " + owner;
    }
}
