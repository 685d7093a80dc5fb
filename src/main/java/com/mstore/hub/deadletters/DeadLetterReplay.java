package com.mstore.hub.deadletters;

import java.time.Duration;
import java.util.Map;

import com.mstore.hub.health.BrokerProbe;
import com.mstore.hub.health.BrokerProbes;
import com.mstore.hub.rabbitmq.RabbitPublisher;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Publishes a dead letter again where it was first received (its source: the same topic and key,
 * subject, queue, MQTT topic or Redis channel), so it goes through its whole flow as any new message
 * does, dedupe included. The broker is probed first, with its own client: a replay to a broker that
 * is down fails as {@link SourceUnavailableException} instead of waiting in a client's buffer.
 */
public class DeadLetterReplay {

    /** Says which dead letter a replayed message replays, where the broker carries headers. */
    public static final String REPLAY_OF = "mstore-replay-of";

    private final CamelContext context;
    private final ProducerTemplate producer;
    private final RabbitPublisher rabbit;
    private final StringRedisTemplate redis;
    private final Duration timeout;
    private final String mqttClientId;

    /** The source broker did not take the message (down, refused, timed out); the dead letter stays. */
    public static final class SourceUnavailableException extends Exception {
        public SourceUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public DeadLetterReplay(CamelContext context, RabbitPublisher rabbit, StringRedisTemplate redis, Duration timeout,
                            String mqttClientId) {
        this.context = context;
        this.producer = context.createProducerTemplate();
        this.rabbit = rabbit;
        this.redis = redis;
        this.timeout = timeout;
        this.mqttClientId = mqttClientId;
    }

    /** Publishes {@code body} to the dead letter's source; returns where, in words (e.g. "kafka:transactions"). */
    public String replay(DeadLetter letter, byte[] body) throws SourceUnavailableException {
        Map<String, Object> source = letter.source();
        String target = describe(letter.flow(), source);
        BrokerProbe probe = probeOf(letter.flow().broker());
        try {
            probe.check().run(timeout);
        } catch (Exception e) {
            throw new SourceUnavailableException(probe.unreachableMessage(e), e);
        }
        try {
            switch (letter.flow().broker()) {
                case KAFKA -> send("kafka:" + text(source, "topic") + "?lazyStartProducer=true&maxBlockMs=" + timeout.toMillis()
                        + "&requestTimeoutMs=" + timeout.toMillis() + "&deliveryTimeoutMs=" + (2 * timeout.toMillis()), body,
                        Map.of(KafkaConstants.KEY, source.get("key") == null ? "" : source.get("key"), REPLAY_OF, letter.id()));
                case NATS -> send("nats:" + text(source, "subject") + "?lazyStartProducer=true", body, Map.of(REPLAY_OF, letter.id()));
                case RABBITMQ -> rabbit.publish(text(source, "queue"), amqp(letter, body));
                case MQTT -> send("paho-mqtt5:replay?qos=1&lazyStartProducer=true&clientId=" + mqttClientId, body,
                        Map.of(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC, text(source, "topic")));
                case REDIS -> redis.execute((RedisCallback<Long>) connection -> connection.publish(
                        text(source, "channel").getBytes(java.nio.charset.StandardCharsets.UTF_8), body));
            }
        } catch (RuntimeException e) {
            throw new SourceUnavailableException(target + " did not take the replay: " + rootMessage(e), e);
        }
        return target;
    }

    private void send(String uri, byte[] body, Map<String, Object> headers) {
        Exchange sent = producer.send(uri, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeaders(new java.util.HashMap<>(headers));
        });
        if (sent.getException() != null) {
            throw new IllegalStateException(sent.getException().getMessage(), sent.getException());
        }
    }

    private static org.springframework.amqp.core.Message amqp(DeadLetter letter, byte[] body) {
        MessageProperties properties = new MessageProperties();
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        Object messageId = letter.source().get("messageId");
        if (messageId != null) {
            properties.setMessageId(messageId.toString());
        }
        if (letter.source().get("priority") instanceof Number priority) {
            properties.setPriority(priority.intValue());
        }
        properties.setHeader(REPLAY_OF, letter.id());
        return new org.springframework.amqp.core.Message(body, properties);
    }

    /** Where a dead letter of this flow and source is replayed to, as the API reports it. */
    public static String describe(DeadLetterFlow flow, Map<String, Object> source) {
        return switch (flow.broker()) {
            case KAFKA -> "kafka:" + text(source, "topic");
            case NATS -> "nats:" + text(source, "subject");
            case RABBITMQ -> "rabbitmq:" + text(source, "queue");
            case MQTT -> "mqtt:" + text(source, "topic");
            case REDIS -> "redis:" + text(source, "channel");
        };
    }

    /** Whether the source names where to publish again (an old or odd entry may not). */
    public static boolean replayable(DeadLetterFlow flow, Map<String, Object> source) {
        String key = switch (flow.broker()) {
            case KAFKA, MQTT -> "topic";
            case NATS -> "subject";
            case RABBITMQ -> "queue";
            case REDIS -> "channel";
        };
        Object value = source.get(key);
        return value != null && !value.toString().isBlank();
    }

    private BrokerProbe probeOf(DeadLetterFlow.Broker broker) {
        String name = switch (broker) {
            case KAFKA -> "Kafka";
            case NATS -> "NATS";
            case RABBITMQ -> "RabbitMQ";
            case MQTT -> "MQTT";
            case REDIS -> "Redis";
        };
        return BrokerProbes.of(context).stream().filter(probe -> probe.broker().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no probe of " + name));
    }

    private static String text(Map<String, Object> source, String key) {
        Object value = source.get(key);
        return value == null ? "" : value.toString();
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
