package com.mstore.hub.deadletters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

import com.mstore.hub.brokers.Broker;
import com.mstore.hub.brokers.Brokers;
import com.mstore.hub.brokers.Publishing;
import com.mstore.hub.errors.FailureHeaders;
import com.mstore.hub.tracing.TraceContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files each dead letter in the {@link DeadLetterStore}, once the flow's own dead-letter route has
 * taken it (hub/error-handling.camel.yaml): under the flow of the route that received it (its route
 * group), with the source its broker's type reads from the dead letter's headers.
 *
 * <p>A dead-letter route whose letters only count once it has committed them (the transactions
 * flow writes its dead letters in its batches' Kafka transactions: an aborted batch dead-letters
 * nothing) marks the exchange {@link #KEPT_WHEN_COMMITTED}, and keeps them from what it committed
 * ({@link #keepFromKafka}).
 *
 * <p>Keeping never fails the flow: its dead letter is already at the flow's target, and failing now
 * would have the broker deliver it again and dead-letter it twice. What could not be kept is logged
 * with its reason and counted ({@code mstore_dead_letters_not_kept_total{flow}}).
 */
public class DeadLetterCapture {

    private static final Logger LOG = LoggerFactory.getLogger("com.mstore.hub.dead-letter");
    /** Set by a dead-letter target that handed the message back to its source instead of taking it. */
    public static final String RETURNED_TO_SOURCE = "mstoreDeadLetterReturnedToSource";
    /** Set by a dead-letter target whose dead letters are kept once committed, read back from where it wrote them. */
    public static final String KEPT_WHEN_COMMITTED = "mstoreDeadLetterKeptWhenCommitted";

    private final DeadLetterStore store;
    private final DeadLetterMetrics metrics;
    private final int maxBodyBytes;
    private final long broadcastWindowSeconds;

    public DeadLetterCapture(DeadLetterStore store, DeadLetterMetrics metrics, int maxBodyBytes, long broadcastWindowSeconds) {
        this.store = store;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.broadcastWindowSeconds = broadcastWindowSeconds;
    }

    /** Called with the failed exchange after the flow's dead-letter route took it. */
    public void keep(Exchange exchange) {
        if (exchange.getProperty(RETURNED_TO_SOURCE, false, Boolean.class) || exchange.getProperty(KEPT_WHEN_COMMITTED, false, Boolean.class)) {
            return;
        }
        Message in = exchange.getMessage();
        String flow = Publishing.header(in, FailureHeaders.FLOW);
        Optional<Broker> broker = Brokers.owning(exchange.getContext(), exchange.getFromEndpoint());
        if (broker.isEmpty()) {
            LOG.error("A dead letter of flow {} (route {}) was not kept: its route reads from no broker the hub knows ({})", flow,
                    exchange.getFromRouteId(), exchange.getFromEndpoint() == null ? "none" : exchange.getFromEndpoint().getEndpointBaseUri());
            metrics.notKept(flow);
            return;
        }
        byte[] body = in.getBody(byte[].class);
        DeadLetter.New letter = new DeadLetter.New(flow, broker.get().name(), Publishing.header(in, FailureHeaders.REASON),
                Publishing.header(in, FailureHeaders.MESSAGE), Publishing.header(in, FailureHeaders.TYPE), broker.get().source(in), failedAt(in), TraceContext.traceId(exchange),
                cut(body), body != null && body.length > maxBodyBytes);
        if (broker.get().broadcasts()) {
            // every instance received it and refused it alike; a pub/sub message has no id, so where
            // it came, why and its body name it
            keep(letter, broadcastIdentity(letter, broker.get()), broadcastWindowSeconds);
        } else {
            keep(letter, null, 0);
        }
    }

    /**
     * Called with each record read back from a flow's Kafka dead-letter topic (read_committed): its
     * flow is in its {@code mstore-flow} header, where it came from in its {@code mstore-source-*} ones.
     */
    public void keepFromKafka(Exchange exchange) {
        Message in = exchange.getMessage();
        Broker kafka = Brokers.named(exchange.getContext(), "kafka").orElseThrow();
        byte[] body = in.getBody(byte[].class);
        // the record's time too: a topic deleted and made again (a dev Kafka started empty) numbers its
        // records from 0 again, and a new dead letter at an old offset is another one
        String seenAs = Publishing.header(in, KafkaConstants.TOPIC) + ":" + Publishing.header(in, KafkaConstants.PARTITION) + ":"
                + Publishing.header(in, KafkaConstants.OFFSET) + "@" + Publishing.header(in, KafkaConstants.TIMESTAMP);
        keep(new DeadLetter.New(Publishing.header(in, FailureHeaders.FLOW), kafka.name(), Publishing.header(in, FailureHeaders.REASON),
                Publishing.header(in, FailureHeaders.MESSAGE), Publishing.header(in, FailureHeaders.TYPE), kafka.source(in), failedAt(in),
                TraceContext.traceIdOf(Publishing.header(in, TraceContext.TRACEPARENT)), cut(body),
                "true".equals(Publishing.header(in, "mstore-body-truncated")) || (body != null && body.length > maxBodyBytes)), seenAs, 0);
    }

    /** {@code seenFor} 0: the store's own period for a name given for good. */
    private void keep(DeadLetter.New letter, String seenAs, long seenForSeconds) {
        if (letter.flow() == null) {
            LOG.error("A dead letter ({}: {}) was not kept: it names no flow", letter.reason(), letter.message());
            metrics.notKept("none");
            return;
        }
        try {
            DeadLetterStore.Kept kept = seenForSeconds > 0 ? store.keep(letter, seenAs, seenForSeconds) : store.keep(letter, seenAs);
            if (kept.id() == null) {
                LOG.debug("A dead letter of flow {} was kept before, as {}: not kept again", letter.flow(), seenAs);
            }
            if (kept.dropped() > 0) {
                LOG.warn("Dropped the {} oldest dead letter(s) of flow {} to keep the newest (mstore.dead-letters.max-per-flow)",
                        kept.dropped(), letter.flow());
                metrics.dropped(letter.flow(), kept.dropped());
            }
        } catch (RuntimeException e) {
            LOG.error("A dead letter of flow {} ({}: {}) could not be kept for the dead-letter API: {}", letter.flow(),
                    letter.reason(), letter.message(), e.getMessage());
            metrics.notKept(letter.flow());
            if (seenAs != null && seenForSeconds == 0) {
                throw e; // read from a topic: left uncommitted and read again
            }
        }
    }

    private static String broadcastIdentity(DeadLetter.New letter, Broker broker) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(broker.place(letter.source()).orElse("").getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(String.valueOf(letter.reason()).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(letter.body());
            return "broadcast:" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private byte[] cut(byte[] body) {
        if (body == null) {
            return new byte[0];
        }
        return body.length > maxBodyBytes ? Arrays.copyOf(body, maxBodyBytes) : body;
    }

    private static String failedAt(Message in) {
        String at = Publishing.header(in, FailureHeaders.FAILED_AT);
        return at == null ? Instant.now().toString() : at;
    }
}
