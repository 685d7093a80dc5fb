package com.mstore.hub.rabbitmq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes to RabbitMQ so that nothing vanishes: every message is {@code mandatory} (a message no
 * queue takes comes back to the hub instead of being dropped by the broker), and a publish only
 * succeeds once the broker has confirmed it and not returned it. A batch of messages is published
 * first and its confirms waited for together, one round trip for the batch rather than one per
 * message.
 *
 * <p>Why not camel-spring-rabbitmq's producer: it cannot publish {@code mandatory}, and its confirm
 * says only that the broker took the message, not that a queue did (an unroutable message is
 * confirmed too); it also waits for each message's confirm on its own.
 *
 * <p>Publishes go over a connection of their own (Spring's publisher connection): a broker in a
 * memory or disk alarm blocks publishing connections, and the consumers' acknowledgements must
 * still get through.
 */
public class RabbitPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitPublisher.class);

    /** One message to publish through the default exchange to the queue named by its routing key. */
    public record Outgoing(String routingKey, Message message) {
    }

    private final RabbitTemplate template;
    private final Duration confirmTimeout;

    public RabbitPublisher(CachingConnectionFactory connectionFactory, Duration confirmTimeout) {
        this.confirmTimeout = confirmTimeout;
        template = new RabbitTemplate(connectionFactory);
        template.setUsePublisherConnection(true);
        template.setMandatory(true);
        // a return is reported through the message's CorrelationData; this only keeps Spring quiet
        template.setReturnsCallback(returned -> LOG.debug("Returned by RabbitMQ: {}", returned));
    }

    public void publish(String routingKey, Message message) {
        publish(List.of(new Outgoing(routingKey, message)));
    }

    /**
     * Publishes every message, then waits for their confirms.
     *
     * @throws UnroutableMessageException when a message reached no queue
     * @throws AmqpException              when the broker refused one or did not confirm in time
     */
    public void publish(List<Outgoing> messages) {
        List<CorrelationData> pending = new ArrayList<>(messages.size());
        // one channel for the whole batch, not one taken from the cache per message
        template.invoke(operations -> {
            for (Outgoing outgoing : messages) {
                CorrelationData correlation = new CorrelationData();
                operations.send("", outgoing.routingKey(), outgoing.message(), correlation);
                pending.add(correlation);
            }
            return null;
        });
        long deadline = System.nanoTime() + confirmTimeout.toNanos();
        for (int i = 0; i < pending.size(); i++) {
            CorrelationData correlation = pending.get(i);
            CorrelationData.Confirm confirm;
            try {
                confirm = correlation.getFuture().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AmqpException("RabbitMQ did not confirm a publish to " + messages.get(i).routingKey()
                        + " within " + confirmTimeout.toMillis() + " ms");
            } catch (ExecutionException e) {
                throw new AmqpException("publish to " + messages.get(i).routingKey() + " failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AmqpException("interrupted while waiting for a publisher confirm", e);
            }
            if (correlation.getReturned() != null) {
                throw new UnroutableMessageException(messages.get(i).routingKey(), correlation.getReturned().getReplyText());
            }
            if (!confirm.isAck()) {
                throw new AmqpException("RabbitMQ refused a publish to " + messages.get(i).routingKey()
                        + (confirm.getReason() == null ? "" : ": " + confirm.getReason()));
            }
        }
    }

    /**
     * Declares a durable queue with these arguments unless it exists. A queue that exists is left
     * exactly as it is: redeclaring it with other arguments would be refused (PRECONDITION_FAILED).
     * A broker that cannot be reached is logged and left to whoever reaches it first.
     */
    public void declareIfAbsent(String queue, java.util.Map<String, Object> arguments) {
        try {
            template.execute(channel -> {
                try {
                    channel.queueDeclarePassive(queue);
                    LOG.info("RabbitMQ queue {} exists: used as declared", queue);
                } catch (java.io.IOException absent) {
                    // a failed passive declare closes the channel: declare on a fresh one
                    template.execute(fresh -> fresh.queueDeclare(queue, true, false, false, arguments));
                    LOG.info("RabbitMQ queue {} declared (durable, {})", queue, arguments);
                }
                return null;
            });
        } catch (AmqpException unreachable) {
            LOG.warn("RabbitMQ queue {} could not be checked or declared ({}): whoever reaches RabbitMQ first declares it",
                    queue, unreachable.getMessage());
        }
    }
}
