package com.mstore.hub.rabbitmq;

import org.springframework.amqp.AmqpException;

/** RabbitMQ returned a mandatory message: no queue is bound to its routing key (a queue deleted, a typo). */
public class UnroutableMessageException extends AmqpException {

    public UnroutableMessageException(String routingKey, String replyText) {
        super("RabbitMQ could not route a message to queue '" + routingKey + "' (" + replyText + "): no such queue");
    }
}
