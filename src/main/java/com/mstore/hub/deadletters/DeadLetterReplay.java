package com.mstore.hub.deadletters;

import java.time.Duration;
import java.util.Optional;

import com.mstore.hub.brokers.Broker;
import com.mstore.hub.brokers.BrokerProbe;
import com.mstore.hub.brokers.Brokers;
import com.mstore.hub.brokers.ReplayMarks;
import com.mstore.hub.flows.Flows;
import org.apache.camel.CamelContext;

/**
 * Publishes a dead letter again where it was first received (its source: the same topic and key,
 * subject, queue, MQTT topic or Redis channel), so it goes through its whole flow as any new message
 * does, dedupe included. The broker is probed first, with its own client: a replay to a broker that
 * is down fails as {@link SourceUnavailableException} instead of waiting in a client's buffer.
 */
public class DeadLetterReplay {

    private final CamelContext context;
    private final Duration timeout;

    /** The source broker did not take the message (down, refused, timed out); the dead letter stays. */
    public static final class SourceUnavailableException extends Exception {
        public SourceUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public DeadLetterReplay(CamelContext context, Duration timeout) {
        this.context = context;
        this.timeout = timeout;
    }

    /** Publishes {@code body} to the dead letter's source; returns where, in words (e.g. "kafka:transactions"). */
    public String replay(DeadLetter letter, byte[] body, ReplayMarks marks) throws SourceUnavailableException {
        Broker broker = brokerOf(letter).orElseThrow(() -> new IllegalStateException("no broker for " + letter.id()));
        String target = describe(letter).orElseThrow();
        BrokerProbe probe = broker.probe();
        try {
            probe.check().run(timeout);
        } catch (Exception e) {
            throw new SourceUnavailableException(probe.unreachableMessage(e), e);
        }
        try {
            broker.publish(letter.source(), body, marks);
        } catch (Exception e) {
            throw new SourceUnavailableException(target + " did not take the replay: " + rootMessage(e), e);
        }
        return target;
    }

    /**
     * Where a dead letter would be replayed to, in words; empty when its source names no place (an
     * old or odd entry) or its broker is unknown.
     */
    public Optional<String> describe(DeadLetter letter) {
        return brokerOf(letter).flatMap(broker -> broker.place(letter.source()).map(place -> broker.name() + ":" + place));
    }

    /** The broker it was received from; an entry kept before brokers were recorded takes its flow's only one. */
    private Optional<Broker> brokerOf(DeadLetter letter) {
        if (letter.broker() != null && !letter.broker().isEmpty()) {
            return Brokers.named(context, letter.broker());
        }
        return Flows.named(context, letter.flow()).map(Flows.Flow::brokers).filter(brokers -> brokers.size() == 1)
                .map(brokers -> brokers.get(0));
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
