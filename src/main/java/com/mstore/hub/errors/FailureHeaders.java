package com.mstore.hub.errors;

import com.mstore.hub.brokers.ReplayMarks;

import java.time.Instant;

import com.fasterxml.jackson.core.JacksonException;
import com.mstore.hub.brokers.Brokers;
import com.mstore.hub.tracing.TraceContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Route;
import org.apache.camel.component.jsonvalidator.JsonValidationException;

/**
 * Stamps a failed message with why it failed, in the headers every dead-letter target carries:
 * {@code mstore-error-reason} (a stable code), {@code mstore-error-message} (for people) and
 * {@code mstore-failed-at}.
 */
public final class FailureHeaders {

    public static final String REASON = "mstore-error-reason";
    public static final String MESSAGE = "mstore-error-message";
    public static final String FAILED_AT = "mstore-failed-at";
    /** The exception's class (and its root cause's), for developers: the message says it in words. */
    public static final String TYPE = "mstore-error-type";
    /** Where a dead letter came from: Kafka topic, partition and offset (CONTRACTS.md section 1), or MQTT topic. */
    public static final String SOURCE_TOPIC = "mstore-source-topic";
    public static final String SOURCE_PARTITION = "mstore-source-partition";
    public static final String SOURCE_OFFSET = "mstore-source-offset";
    private static final int MAX_MESSAGE_LENGTH = 1000;

    private static final String PREFIX = "mstore-";
    /** The hub's own headers on a message it published to its own source, which a dead letter keeps. */
    private static final java.util.Set<String> KEPT = java.util.Set.of("mstore-dead-letter-attempts",
            ReplayMarks.REPLAY_OF, ReplayMarks.REPLAYED_BY, ReplayMarks.BODY_CHANGED);

    /** The flow the message belongs to: the route group of the route that received it. */
    public static final String FLOW = "mstore-flow";
    public static final String TRACE_ID = "mstore-trace-id";

    /**
     * The headers every dead letter carries, whatever its broker: why ({@code mstore-error-*},
     * {@code mstore-failed-at}), in which flow and trace, and from where (the {@code mstore-source-*}
     * headers of the broker it was received from).
     *
     * @throws IllegalStateException when the route that received the message names no flow (its
     *                               route group): there is no dead-letter route to send it to
     */
    public void stamp(Exchange exchange) {
        String flow = flowOf(exchange);
        if (flow == null) {
            throw new IllegalStateException("route " + exchange.getFromRouteId() + " names no flow (its route group), so its"
                    + " failed messages have no dead-letter route: give it the group of its flow file");
        }
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Message message = exchange.getMessage();
        // the mstore-* headers are the hub's to write: one a sender put on its message (a Kafka
        // record's, say) would pass for the hub's on the dead letter
        message.getHeaders().keySet().removeIf(name -> name.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) && !KEPT.contains(name));
        message.setHeader(REASON, reasonOf(error));
        message.setHeader(MESSAGE, messageOf(error));
        if (error != null) {
            message.setHeader(TYPE, ReadableErrors.typeOf(error));
        }
        message.setHeader(FAILED_AT, Instant.now().toString());
        message.setHeader(FLOW, flow);
        String traceId = TraceContext.traceId(exchange);
        if (traceId != null) {
            message.setHeader(TRACE_ID, traceId);
        }
        Brokers.owning(exchange.getContext(), exchange.getFromEndpoint())
                .ifPresent(broker -> broker.sourceHeaders(exchange).forEach(message::setHeader));
    }

    /** The route group of the route that received the message (a step it called may have failed instead). */
    public static String flowOf(Exchange exchange) {
        String routeId = exchange.getFromRouteId();
        Route route = routeId == null ? null : exchange.getContext().getRoute(routeId);
        return route == null ? null : route.getGroup();
    }

    static String reasonOf(Throwable error) {
        if (error == null) {
            return "unknown";
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RejectedMessageException rejected) {
                return rejected.reason();
            }
        }
        if (error instanceof JsonValidationException) {
            return "invalid-payload";
        }
        if (error instanceof JacksonException) {
            return "not-json";
        }
        return "redelivery-exhausted";
    }

    static String messageOf(Throwable error) {
        if (error == null) {
            return "no exception recorded";
        }
        String text = error instanceof JsonValidationException invalid
                ? "payload does not match its schema: " + ReadableErrors.schemaViolations(invalid.getErrors())
                : ReadableErrors.describe(error);
        // header values must stay single-line and bounded, whatever the payload contained
        text = text.replaceAll("[\\r\\n\\t]+", " ");
        return text.length() > MAX_MESSAGE_LENGTH ? text.substring(0, MAX_MESSAGE_LENGTH) + "..." : text;
    }
}
