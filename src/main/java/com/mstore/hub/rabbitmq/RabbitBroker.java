package com.mstore.hub.rabbitmq;

import com.mstore.hub.brokers.ReplayMarks;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.mstore.hub.brokers.Broker;
import com.mstore.hub.brokers.BrokerProbe;
import com.mstore.hub.brokers.Publishing;
import com.mstore.hub.config.Redaction;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * RabbitMQ (mstore.rabbitmq.*): a source is the queue a message was read from, with its message id
 * and priority; a replay publishes it to that queue again through the default exchange, confirmed.
 */
public class RabbitBroker implements Broker {

    public static final String QUEUE = "mstore-source-queue";
    private static final String ADDRESSES = "mstore.rabbitmq.addresses";

    private final RabbitPublisher publisher;
    private final BrokerProbe probe;

    public RabbitBroker(RabbitPublisher publisher, ConnectionFactory connections, String addresses) {
        this.publisher = publisher;
        this.probe = new BrokerProbe("RabbitMQ", ADDRESSES, Redaction.uri(addresses), timeout -> {
            // the factory shares one connection: opening it here also warms it up for the routes
            try (org.springframework.amqp.rabbit.connection.Connection connection = connections.createConnection()) {
                if (!connection.isOpen()) {
                    throw new IllegalStateException("connection is closed");
                }
            }
        });
    }

    @Override
    public String name() {
        return "rabbitmq";
    }

    @Override
    public boolean owns(Endpoint endpoint) {
        return endpoint instanceof SpringRabbitMQEndpoint;
    }

    /** The queue the consumer reads: a routing key names it only when published to the default exchange. */
    @Override
    public String address(Endpoint endpoint) {
        SpringRabbitMQEndpoint rabbit = (SpringRabbitMQEndpoint) endpoint;
        return rabbit.getQueues() != null ? rabbit.getQueues() : rabbit.getExchangeName();
    }

    @Override
    public Map<String, String> sourceHeaders(Exchange received) {
        Endpoint from = received.getFromEndpoint();
        return owns(from) && ((SpringRabbitMQEndpoint) from).getQueues() != null
                ? Map.of(QUEUE, ((SpringRabbitMQEndpoint) from).getQueues()) : Map.of();
    }

    @Override
    public Map<String, Object> source(Message deadLetter) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("queue", Publishing.header(deadLetter, QUEUE));
        // what a replay publishes again with the message
        source.put("messageId", Publishing.header(deadLetter, SpringRabbitMQConstants.MESSAGE_ID));
        source.put("priority", deadLetter.getHeader(SpringRabbitMQConstants.PRIORITY, Integer.class));
        return source;
    }

    @Override
    public Optional<String> place(Map<String, Object> source) {
        return Publishing.text(source, "queue");
    }

    @Override
    public void publish(Map<String, Object> source, byte[] body, ReplayMarks marks) {
        MessageProperties properties = new MessageProperties();
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        Publishing.text(source, "messageId").ifPresent(properties::setMessageId);
        if (source.get("priority") instanceof Number priority) {
            properties.setPriority(priority.intValue());
        }
        marks.headers().forEach(properties::setHeader);
        publisher.publish(place(source).orElseThrow(), new org.springframework.amqp.core.Message(body, properties));
    }

    @Override
    public BrokerProbe probe() {
        return probe;
    }
}
