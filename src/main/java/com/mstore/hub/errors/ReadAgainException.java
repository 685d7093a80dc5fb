package com.mstore.hub.errors;

/**
 * A failure whose outcome only the source can settle, such as a Kafka transaction fenced by a
 * rebalance or a commit that timed out: the shared error handling neither retries nor dead-letters
 * it, and the consumer reads the messages again from the last committed position.
 */
public class ReadAgainException extends RuntimeException {

    public ReadAgainException(String message, Throwable cause) {
        super(message, cause);
    }
}
