package com.mstore.hub.rabbitmq;

import java.time.Duration;

import com.mstore.hub.errors.FailureHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

/**
 * Where a message from a RabbitMQ queue that can never be processed goes: its dead-letter queue (for
 * email jobs {@code emails.dlq}, CONTRACTS.md section 3), the message as it came, with the reason and
 * its origin in headers. Published mandatory and confirmed ({@link RabbitPublisher}). Configured by
 * the kamelet that uses it (kamelets/mstore-rabbitmq-dead-letter-sink.kamelet.yaml).
 *
 * <p>A message whose dead letter cannot be published (the queue gone, the broker refusing) must
 * neither vanish nor go back to the head of its queue, where it would come round again at once and
 * hold up every message behind it: it is published again at the tail of its queue, counted in header
 * {@code mstore-dead-letter-attempts}, and comes round after the others. Before that its consumer
 * waits (the shared backoff, growing with the attempts), so a message that comes round at once, on
 * an otherwise empty queue, does not spin.
 */
public class RabbitDeadLetters {

    public static final String ATTEMPTS = "mstore-dead-letter-attempts";

    private RabbitPublisher publisher;
    private String queue;
    private String deadLetterQueue;
    private Duration firstWait;
    private Duration longestWait;

    public void setPublisher(RabbitPublisher publisher) {
        this.publisher = publisher;
    }

    /** The queue the message came from, where it goes back if its dead letter cannot be published. */
    public void setQueue(String queue) {
        this.queue = queue;
    }

    public void setDeadLetterQueue(String deadLetterQueue) {
        this.deadLetterQueue = deadLetterQueue;
    }

    public void setFirstWaitMs(long millis) {
        this.firstWait = Duration.ofMillis(millis);
    }

    public void setLongestWaitMs(long millis) {
        this.longestWait = Duration.ofMillis(millis);
    }

    /** Declares the dead-letter queue unless it exists (the kamelet's init method), so its dead letters have somewhere to go. */
    public void declareDeadLetterQueue() {
        publisher.declareIfAbsent(deadLetterQueue, java.util.Map.of());
    }

    /** The message in the body (as received) to the dead-letter queue, with the mstore-* headers already stamped. */
    public void deadLetter(Exchange exchange) {
        publisher.publish(deadLetterQueue, asReceived(exchange.getMessage()));
    }

    /** The message back at the tail of its queue, when its dead letter could not be published. */
    public void requeueAtTail(Exchange exchange) throws InterruptedException {
        Message in = exchange.getMessage();
        org.springframework.amqp.core.Message message = asReceived(in);
        Integer attempts = in.getHeader(ATTEMPTS, Integer.class);
        int attempt = attempts == null ? 1 : attempts + 1;
        message.getMessageProperties().setHeader(ATTEMPTS, attempt);
        long waitMillis = Math.min(longestWait.toMillis(), firstWait.toMillis() << Math.min(20, attempt - 1));
        Thread.sleep(waitMillis);
        publisher.publish(queue, message);
    }

    /** The received body and AMQP properties, with the headers it carried and those of its failure. */
    private static org.springframework.amqp.core.Message asReceived(Message in) {
        MessageProperties properties = new MessageProperties();
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setContentType(in.getHeader(SpringRabbitMQConstants.CONTENT_TYPE, MessageProperties.CONTENT_TYPE_JSON, String.class));
        properties.setMessageId(in.getHeader(SpringRabbitMQConstants.MESSAGE_ID, String.class));
        Integer priority = in.getHeader(SpringRabbitMQConstants.PRIORITY, Integer.class);
        if (priority != null) {
            properties.setPriority(priority);
        }
        in.getHeaders().forEach((name, value) -> {
            if (value != null && !name.startsWith("Camel") && !name.startsWith("camel") && !name.startsWith("spring_")) {
                properties.setHeader(name, value instanceof String || value instanceof Number || value instanceof Boolean ? value : value.toString());
            }
        });
        properties.setHeader(FailureHeaders.FAILED_AT, in.getHeader(FailureHeaders.FAILED_AT, String.class));
        byte[] body = in.getBody(byte[].class);
        return new org.springframework.amqp.core.Message(body == null ? new byte[0] : body, properties);
    }
}
