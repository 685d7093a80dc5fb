package com.mstore.hub.errors;

import java.time.Instant;

import com.fasterxml.jackson.core.JacksonException;
import org.apache.camel.Exchange;
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
    /** Where a dead letter came from: Kafka topic, partition and offset (CONTRACTS.md section 1). */
    public static final String SOURCE_TOPIC = "mstore-source-topic";
    public static final String SOURCE_PARTITION = "mstore-source-partition";
    public static final String SOURCE_OFFSET = "mstore-source-offset";
    private static final int MAX_MESSAGE_LENGTH = 1000;

    public void stamp(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.getMessage().setHeader(REASON, reasonOf(error));
        exchange.getMessage().setHeader(MESSAGE, messageOf(error));
        exchange.getMessage().setHeader(FAILED_AT, Instant.now().toString());
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

    /** The exception and, when it wraps one, the root cause: what an operator needs to act on. */
    private static String describeWithRootCause(Throwable error) {
        String text = error.getClass().getSimpleName() + ": " + error.getMessage();
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error ? text : text + " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    static String messageOf(Throwable error) {
        if (error == null) {
            return "no exception recorded";
        }
        String text = error instanceof JsonValidationException invalid
                ? "payload does not match its schema: " + invalid.getErrors().stream()
                        .map(Object::toString).sorted().reduce((a, b) -> a + "; " + b).orElse("")
                : describeWithRootCause(error);
        // header values must stay single-line and bounded, whatever the payload contained
        text = text.replaceAll("[\\r\\n\\t]+", " ");
        return text.length() > MAX_MESSAGE_LENGTH ? text.substring(0, MAX_MESSAGE_LENGTH) + "..." : text;
    }
}
