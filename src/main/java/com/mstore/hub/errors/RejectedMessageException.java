package com.mstore.hub.errors;

/**
 * A message that can never succeed (not JSON, too large, fails its schema): the shared error
 * handling sends it to the flow's dead-letter target at once, without redelivery.
 */
public class RejectedMessageException extends RuntimeException {

    private final String reason;

    public RejectedMessageException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RejectedMessageException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** A short, stable code for the {@code mstore-error-reason} header: {@code not-json}, {@code too-large}, ... */
    public String reason() {
        return reason;
    }
}
