package com.mstore.hub.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

/** A plain AMQP client, as the Go backend talks to RabbitMQ. */
public final class RabbitClient implements AutoCloseable {

    public record Delivery(byte[] bytes, AMQP.BasicProperties properties) {
        public String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            Map<String, Object> headers = properties.getHeaders();
            Object value = headers == null ? null : headers.get(name);
            return value == null ? null : value.toString();
        }
    }

    private final Connection connection;
    private final Channel channel;

    public RabbitClient(String uri) {
        try {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(uri);
            factory.setVirtualHost("/");
            connection = factory.newConnection("hub-test");
            channel = connection.createChannel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to RabbitMQ", e);
        }
    }

    public Channel channel() {
        return channel;
    }

    /** Publishes as the backend does: default exchange, routing key = queue, persistent JSON. */
    public void publish(String queue, String body, int priority) {
        publish(queue, body.getBytes(StandardCharsets.UTF_8), priority);
    }

    /** As {@link #publish(String, String, int)}, with these exact bytes. */
    public void publish(String queue, byte[] body, int priority) {
        try {
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                    .contentType("application/json").deliveryMode(2).priority(priority).build();
            channel.basicPublish("", queue, properties, body);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + queue, e);
        }
    }

    /** Messages ready on a queue (not counting those a consumer holds unacknowledged). */
    public long ready(String queue) {
        try {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (Exception e) {
            throw new IllegalStateException("cannot inspect queue " + queue, e);
        }
    }

    /** Takes (and acknowledges) every message waiting on a queue. */
    public List<Delivery> drain(String queue) {
        List<Delivery> messages = new ArrayList<>();
        try {
            GetResponse response;
            while ((response = channel.basicGet(queue, true)) != null) {
                messages.add(new Delivery(response.getBody(), response.getProps()));
            }
            return messages;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read queue " + queue, e);
        }
    }

    public void deleteQueue(String queue) {
        try {
            channel.queueDelete(queue);
        } catch (Exception ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (Exception ignored) {
            // closing
        }
    }
}
