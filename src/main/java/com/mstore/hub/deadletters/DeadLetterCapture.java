package com.mstore.hub.deadletters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.mstore.hub.errors.FailureHeaders;
import com.mstore.hub.errors.SourceHeaders;
import com.mstore.hub.tracing.TraceContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files each dead letter in the {@link DeadLetterStore}, once the flow's own dead-letter target has
 * taken it (routes/error-handling.camel.yaml): under the flow of the route that received it (its
 * route group), with the source read from the headers its broker's consumer set.
 *
 * <p>The transactions flow writes its dead letters to Kafka inside its batch transactions, so they
 * are kept from what {@code transactions.dlq} committed ({@link #keepFromKafka}), never from the
 * failing exchange: an aborted batch's dead letters are not dead letters.
 *
 * <p>Keeping never fails the flow: its dead letter is already at the flow's target, and failing now
 * would have the broker deliver it again and dead-letter it twice. What could not be kept is logged
 * with its reason and counted ({@code mstore_dead_letters_not_kept_total{flow}}).
 */
public class DeadLetterCapture {

    private static final Logger LOG = LoggerFactory.getLogger("com.mstore.hub.dead-letter");
    /** Set by a dead-letter target that handed the message back to its source instead of taking it. */
    public static final String RETURNED_TO_SOURCE = "mstoreDeadLetterReturnedToSource";

    private final DeadLetterStore store;
    private final DeadLetterMetrics metrics;
    private final int maxBodyBytes;
    private final String emailQueue;
    private final long broadcastWindowSeconds;

    public DeadLetterCapture(DeadLetterStore store, DeadLetterMetrics metrics, int maxBodyBytes, String emailQueue,
                             long broadcastWindowSeconds) {
        this.store = store;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.emailQueue = emailQueue;
        this.broadcastWindowSeconds = broadcastWindowSeconds;
    }

    /** Called with the failed exchange after the flow's dead-letter target took it. */
    public void keep(Exchange exchange) {
        String routeId = exchange.getFromRouteId();
        String group = FailureHeaders.flowOf(exchange);
        DeadLetterFlow flow = group == null ? null : DeadLetterFlow.named(group).orElse(null);
        if (flow == null) {
            LOG.error("A dead letter of route {} was not kept: the route names no flow as its group (one of {})", routeId,
                    Arrays.stream(DeadLetterFlow.values()).map(DeadLetterFlow::id).toList());
            metrics.notKept(group == null ? "none" : group);
            return;
        }
        if (flow.broker() == DeadLetterFlow.Broker.KAFKA || exchange.getProperty(RETURNED_TO_SOURCE, false, Boolean.class)) {
            return;
        }
        Message in = exchange.getMessage();
        byte[] body = in.getBody(byte[].class);
        DeadLetter.New letter = new DeadLetter.New(flow, header(in, FailureHeaders.REASON), header(in, FailureHeaders.MESSAGE),
                sourceOf(flow, in), failedAt(in), TraceContext.traceId(exchange), cut(body), body != null && body.length > maxBodyBytes);
        if (flow.broker() == DeadLetterFlow.Broker.REDIS) {
            // every instance received it and refused it alike; a Redis message has no id, so its
            // channel, reason and body name it
            keep(letter, broadcastIdentity(letter), broadcastWindowSeconds);
        } else {
            keep(letter, null, 0);
        }
    }

    /** Called with each record read back from the transactions dead-letter topic (read_committed). */
    public void keepFromKafka(Exchange exchange) {
        Message in = exchange.getMessage();
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("topic", header(in, FailureHeaders.SOURCE_TOPIC));
        source.put("partition", number(header(in, FailureHeaders.SOURCE_PARTITION)));
        source.put("offset", number(header(in, FailureHeaders.SOURCE_OFFSET)));
        source.put("key", header(in, KafkaConstants.KEY));
        byte[] body = in.getBody(byte[].class);
        String seenAs = header(in, KafkaConstants.TOPIC) + ":" + header(in, KafkaConstants.PARTITION) + ":" + header(in, KafkaConstants.OFFSET);
        keep(new DeadLetter.New(DeadLetterFlow.TRANSACTIONS, header(in, FailureHeaders.REASON), header(in, FailureHeaders.MESSAGE),
                source, failedAt(in), TraceContext.traceIdOf(header(in, TraceContext.TRACEPARENT)), cut(body),
                "true".equals(header(in, "mstore-body-truncated")) || (body != null && body.length > maxBodyBytes)), seenAs, 0);
    }

    /** {@code seenFor} 0: the store's own period for a name given for good. */
    private void keep(DeadLetter.New letter, String seenAs, long seenForSeconds) {
        try {
            DeadLetterStore.Kept kept = seenForSeconds > 0 ? store.keep(letter, seenAs, seenForSeconds) : store.keep(letter, seenAs);
            if (kept.dropped() > 0) {
                LOG.warn("Dropped the {} oldest dead letter(s) of flow {} to keep the newest (mstore.dead-letters.max-per-flow)",
                        kept.dropped(), letter.flow().id());
                metrics.dropped(letter.flow(), kept.dropped());
            }
        } catch (RuntimeException e) {
            LOG.error("A dead letter of flow {} ({}: {}) could not be kept for the dead-letter API: {}", letter.flow().id(),
                    letter.reason(), letter.message(), e.getMessage());
            metrics.notKept(letter.flow().id());
            if (seenAs != null) {
                throw e; // read from a topic: left uncommitted and read again
            }
        }
    }

    private static String broadcastIdentity(DeadLetter.New letter) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(String.valueOf(letter.source().get("channel")).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(String.valueOf(letter.reason()).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(letter.body());
            return "broadcast:" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Where it came from, as the dead letter's own mstore-source-* headers say ({@link SourceHeaders}). */
    private Map<String, Object> sourceOf(DeadLetterFlow flow, Message in) {
        Map<String, Object> source = new LinkedHashMap<>();
        switch (flow.broker()) {
            case NATS -> source.put("subject", header(in, SourceHeaders.SUBJECT));
            case RABBITMQ -> {
                String queue = header(in, SourceHeaders.QUEUE);
                source.put("queue", queue == null ? emailQueue : queue);
                // what a replay publishes again with the job
                source.put("messageId", header(in, SpringRabbitMQConstants.MESSAGE_ID));
                source.put("priority", in.getHeader(SpringRabbitMQConstants.PRIORITY, Integer.class));
            }
            case MQTT -> source.put("topic", header(in, SourceHeaders.TOPIC));
            case REDIS -> source.put("channel", header(in, SourceHeaders.CHANNEL));
            case KAFKA -> throw new IllegalStateException("Kafka dead letters are kept from their topic");
        }
        return source;
    }

    private byte[] cut(byte[] body) {
        if (body == null) {
            return new byte[0];
        }
        return body.length > maxBodyBytes ? Arrays.copyOf(body, maxBodyBytes) : body;
    }

    private static String failedAt(Message in) {
        String at = header(in, FailureHeaders.FAILED_AT);
        return at == null ? Instant.now().toString() : at;
    }

    private static Long number(String text) {
        try {
            return text == null ? null : Long.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A header as text: Kafka's arrive as bytes. */
    static String header(Message in, String name) {
        Object value = in.getHeader(name);
        if (value == null) {
            return null;
        }
        return value instanceof byte[] raw ? new String(raw, StandardCharsets.UTF_8) : value.toString();
    }
}
