package com.mstore.hub.errors;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.nats.NatsConstants;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.apache.camel.component.redis.RedisConstants;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;

/**
 * Where a failed message came from, as the {@code mstore-source-*} headers every dead letter
 * carries: the NATS subject, the RabbitMQ queue, the MQTT topic or the Redis channel it was received
 * on, read from what the consumer that received it recorded. (A Kafka record's topic, partition and
 * offset are written by the audit log itself, which dead-letters a batch's records from the batch.)
 */
public final class SourceHeaders {

    public static final String SUBJECT = "mstore-source-subject";
    public static final String QUEUE = "mstore-source-queue";
    public static final String TOPIC = FailureHeaders.SOURCE_TOPIC;
    public static final String CHANNEL = "mstore-source-channel";

    private SourceHeaders() {
    }

    /** The source headers of the exchange's message, by the broker of the endpoint it came from. */
    public static Map<String, String> of(Exchange exchange) {
        Map<String, String> source = new LinkedHashMap<>();
        Message in = exchange.getMessage();
        Endpoint from = exchange.getFromEndpoint();
        String scheme = from == null ? "" : from.getEndpointUri().substring(0, Math.max(0, from.getEndpointUri().indexOf(':')));
        switch (scheme) {
            case "nats" -> put(source, SUBJECT, in.getHeader(NatsConstants.NATS_SUBJECT, String.class));
            // the queue the consumer reads: a routing key names it only when published to the default exchange
            case "spring-rabbitmq" -> put(source, QUEUE, ((SpringRabbitMQEndpoint) from).getQueues());
            case "paho-mqtt5" -> put(source, TOPIC, in.getHeader(PahoMqtt5Constants.MQTT_TOPIC, String.class));
            case "spring-redis" -> put(source, CHANNEL, in.getHeader(RedisConstants.CHANNEL, String.class));
            default -> {
                // a source this class does not know records nothing rather than a guess
            }
        }
        return source;
    }

    private static void put(Map<String, String> source, String name, String value) {
        if (value != null && !value.isEmpty()) {
            source.put(name, value);
        }
    }
}
