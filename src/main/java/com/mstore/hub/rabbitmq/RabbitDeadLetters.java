package com.mstore.hub.emails;

import java.time.Duration;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

import com.mstore.hub.errors.FailureHeaders;
import com.mstore.hub.rabbitmq.RabbitPublisher;

/**
 * Where a job that cannot be mailed goes (CONTRACTS.md section 3): queue {@code emails.dlq}, the job
 * as it came, with the reason and its origin in headers. Published mandatory and confirmed, as jobs
 * are ({@link RabbitPublisher}).
 *
 * <p>A job whose dead letter cannot be published (the queue gone, the broker refusing) must neither
 * vanish nor go back to the head of its queue, where it would come round again at once and hold up
 * every job behind it: it is published again at the tail of {@code emails}, counted in header
 * {@code mstore-dead-letter-attempts}, and comes round after the others. Before that its worker waits
 * (the shared backoff, growing with the attempts), so a job that comes round at once, on an
 * otherwise empty queue, does not spin.
 */
public class EmailDeadLetters {

    public static final String SOURCE_QUEUE = "mstore-source-queue";
    public static final String ATTEMPTS = "mstore-dead-letter-attempts";

    private final RabbitPublisher publisher;
    private final String queue;
    private final String deadLetterQueue;
    private final Duration firstWait;
    private final Duration longestWait;

    public EmailDeadLetters(RabbitPublisher publisher, String queue, String deadLetterQueue, Duration firstWait,
                            Duration longestWait) {
        this.publisher = publisher;
        this.queue = queue;
        this.deadLetterQueue = deadLetterQueue;
        this.firstWait = firstWait;
        this.longestWait = longestWait;
    }

    /** The job in the body (as received) to emails.dlq, with the mstore-error-* headers already stamped. */
    public void deadLetter(Exchange exchange) {
        org.springframework.amqp.core.Message message = asReceived(exchange.getMessage());
        message.getMessageProperties().setHeader(SOURCE_QUEUE, queue);
        publisher.publish(deadLetterQueue, message);
    }

    /** The job back at the tail of its queue, when its dead letter could not be published. */
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
