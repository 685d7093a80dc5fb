package com.mstore.hub.brokers;

import java.util.Map;
import java.util.Optional;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What the hub knows about one kind of broker, for everything that works on any flow (dead letters,
 * replay, the flow list, health): which endpoints read from it, where a message received from it
 * came from, how a message is published there again, and how its connection is probed. One per
 * broker kind, in that broker's package, bound in the registry; generic code finds it with
 * {@link Brokers} from the endpoint a flow reads.
 */
public interface Broker extends ProbedConnection {

    /** The broker kind as the API names it: kafka, nats, rabbitmq, mqtt, redis. */
    String name();

    /** Whether the endpoint is one of this broker's (made by its Camel component). */
    boolean owns(Endpoint endpoint);

    /** What a consumer endpoint reads, in this broker's words: its topic, subject, queue, topic filter or channel. */
    String address(Endpoint endpoint);

    /**
     * Whether every hub instance receives each message (pub/sub), so that each refuses the same one:
     * its dead letter is then kept once for all of them.
     */
    default boolean broadcasts() {
        return false;
    }

    /** The {@code mstore-source-*} headers of a message received from this broker (a dead letter carries them). */
    Map<String, String> sourceHeaders(Exchange received);

    /** A dead letter's source as the store keeps it: read from its {@code mstore-source-*} headers, with what a replay needs. */
    Map<String, Object> source(Message deadLetter);

    /** The topic, subject, queue or channel a kept source names, if it names one. */
    Optional<String> place(Map<String, Object> source);

    /**
     * Publishes a message again where the source says it was received, with the marks of its replay
     * where the broker carries headers; returns once the broker has it. Throws when it does not.
     */
    void publish(Map<String, Object> source, byte[] body, ReplayMarks marks) throws Exception;
}
