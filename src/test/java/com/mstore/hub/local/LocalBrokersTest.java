package com.mstore.hub.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.mail.internet.MimeMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Every local broker starts on a bare machine (forced here, even where a server already answers
 * at the standard port), carries a message through the matching Camel endpoint, and is gone
 * after stop.
 */
class LocalBrokersTest {

    private static LocalBrokers brokers;
    private static CamelContext camel;
    private static JedisConnectionFactory redis;
    private static CachingConnectionFactory rabbit;

    @BeforeAll
    static void startOwnBrokers() throws Exception {
        brokers = LocalBrokers.startOwn(LocalBrokers.PortPlan.random());
        assertThat(brokers.all()).allMatch(LocalBroker::startedHere).hasSize(6);

        camel = new DefaultCamelContext();
        rabbit = new CachingConnectionFactory("localhost", brokers.get("RabbitMQ").port());
        redis = new JedisConnectionFactory(new org.springframework.data.redis.connection.RedisStandaloneConfiguration(
                "localhost", brokers.get("Redis").port()));
        redis.afterPropertiesSet();
        redis.start();
        camel.getRegistry().bind("rabbit", rabbit);
        camel.getRegistry().bind("redisTemplate", new StringRedisTemplate(redis));
        camel.start();
    }

    @AfterAll
    static void stopEverything() {
        if (camel != null) {
            camel.stop();
        }
        if (rabbit != null) {
            rabbit.destroy();
        }
        if (redis != null) {
            redis.destroy();
        }
        if (brokers != null) {
            var started = brokers.all();
            brokers.close();
            for (LocalBroker broker : started) {
                org.awaitility.Awaitility.await(broker.name() + " gone").atMost(Duration.ofSeconds(30))
                        .until(() -> !Ports.answers("localhost", broker.port()));
            }
        }
    }

    @Test
    void kafkaRoundTrip() throws Exception {
        String topic = "harness-" + UUID.randomUUID();
        String uri = "kafka:" + topic + "?brokers=localhost:" + brokers.get("Kafka").port();
        assertRoundTrip(uri + "&autoOffsetReset=earliest&groupId=" + topic, uri);
    }

    @Test
    void natsRoundTrip() throws Exception {
        String subject = "harness." + UUID.randomUUID();
        String uri = "nats:" + subject + "?servers=nats://localhost:" + brokers.get("NATS").port();
        assertRoundTrip(uri, uri);
    }

    @Test
    void rabbitMqRoundTrip() throws Exception {
        String queue = "harness-" + UUID.randomUUID();
        assertRoundTrip("spring-rabbitmq:default?queues=" + queue + "&autoDeclare=true&skipDeclareExchange=true&skipBindQueue=true&connectionFactory=#rabbit",
                "spring-rabbitmq:default?routingKey=" + queue + "&connectionFactory=#rabbit");
    }

    @Test
    void mqttRoundTrip() throws Exception {
        String topic = "harness/" + UUID.randomUUID();
        String uri = "paho-mqtt5:" + topic + "?brokerUrl=tcp://localhost:" + brokers.get("MQTT").port() + "&qos=1";
        assertRoundTrip(uri + "&clientId=sub-" + UUID.randomUUID(), uri + "&clientId=pub-" + UUID.randomUUID());
    }

    @Test
    void redisRoundTrip() {
        String key = "harness:" + UUID.randomUUID();
        String redisUri = "spring-redis://localhost:" + brokers.get("Redis").port() + "?redisTemplate=#redisTemplate";
        ProducerTemplate producer = camel.createProducerTemplate();
        producer.sendBodyAndHeaders(redisUri, null, java.util.Map.of("CamelRedis.Command", "SET", "CamelRedis.Key", key, "CamelRedis.Value", "hello"));
        Object value = producer.requestBodyAndHeaders(redisUri, null, java.util.Map.of("CamelRedis.Command", "GET", "CamelRedis.Key", key));
        assertThat(value).isEqualTo("hello");
    }

    @Test
    void smtpRoundTrip() throws Exception {
        GreenMailSmtp smtp = (GreenMailSmtp) brokers.get("SMTP");
        camel.createProducerTemplate().sendBodyAndHeaders(
                "smtp://localhost:" + smtp.port() + "?from=hub@mstore.local",
                "hello", java.util.Map.of("To", "harness@example.com", "Subject", "round trip"));
        assertThat(smtp.mailbox().waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage received = smtp.mailbox().getReceivedMessages()[0];
        assertThat(received.getSubject()).isEqualTo("round trip");
    }

    private static void assertRoundTrip(String consumerUri, String producerUri) throws Exception {
        String routeId = "round-trip-" + UUID.randomUUID();
        String mock = "mock:" + routeId;
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(consumerUri).routeId(routeId).convertBodyTo(String.class).to(mock);
            }
        });
        MockEndpoint received = camel.getEndpoint(mock, MockEndpoint.class);
        String body = "hello " + routeId;
        received.expectedBodiesReceived(body);
        // Subscriptions (Kafka group join, MQTT subscribe) complete after the route starts:
        // keep publishing until the first message arrives, then check what was received.
        ProducerTemplate producer = camel.createProducerTemplate();
        org.awaitility.Awaitility.await(routeId).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    if (received.getReceivedCounter() == 0) {
                        producer.sendBody(producerUri, body);
                    }
                    return received.getReceivedCounter() > 0;
                });
        assertThat(received.getReceivedExchanges().get(0).getMessage().getBody(String.class)).isEqualTo(body);
        camel.getRouteController().stopRoute(routeId, 5, TimeUnit.SECONDS);
    }
}
