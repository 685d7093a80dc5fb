package com.mstore.hub.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.MqttTestClient;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * Every flow's dead letter carries the same headers on its broker's dead-letter target: why
 * (mstore-error-reason, mstore-error-message, mstore-failed-at), in which flow (mstore-flow) and
 * from where (mstore-source-*), as Kafka headers, NATS headers, AMQP headers or MQTT 5 user properties.
 */
class DeadLetterHeadersTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final List<String> WHY = List.of("mstore-error-reason", "mstore-error-message", "mstore-failed-at");

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void eachBrokersDeadLetterTargetGetsTheSameHeaderSet() throws Exception {
        Map<String, String> settings = TestBrokers.hubSettings();
        String topic = settings.get("mstore.transactions.topic");
        String kafkaDeadLetters = settings.get("mstore.transactions.dlq-topic");
        String ordersCreated = settings.get("mstore.orders.created-subject");
        String ordersDeadLetters = settings.get("mstore.orders.dlq-subject");
        String emails = settings.get("mstore.emails.queue");
        String emailDeadLetters = settings.get("mstore.emails.dlq");
        String deviceDeadLetters = settings.get("mstore.devices.dlq-topic");
        try (RunningHub hub = RunningHub.startWith(settings);
             KafkaClient kafka = new KafkaClient(settings.get("mstore.kafka.brokers"));
             RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"));
             MqttTestClient mqtt = new MqttTestClient(settings.get("mstore.mqtt.server-uri"));
             Connection nats = Nats.connect(settings.get("mstore.nats.servers"))) {
            Subscription orderDeadLetters = nats.subscribe(ordersDeadLetters);
            nats.flush(Duration.ofSeconds(5));
            mqtt.subscribe(deviceDeadLetters);

            // a sender's own mstore-* headers are not taken for the hub's
            kafka.send(topic, "TRX-H-" + run, "not json", Map.of("mstore-error-reason", "forged", "mstore-source-offset", "999999",
                    "mstore-flow", "orders", "mstore-forged", "yes", "Mstore-Body-Truncated", "true"));
            io.nats.client.impl.Headers forged = new io.nats.client.impl.Headers().add("mstore-error-reason", "forged").add("mstore-forged", "yes");
            nats.publish(ordersCreated, forged, "not json".getBytes(StandardCharsets.UTF_8));
            rabbit.publish(emails, "not json", 1);
            String device = "POS-H-" + run;
            // the shared subscription may still be settling: statuses until one is dead-lettered
            await().atMost(PATIENCE).until(() -> {
                mqtt.publish("devices/" + device + "/status", "not json");
                return !mqtt.received().isEmpty();
            });

            ConsumerRecord<String, String> record = await().atMost(PATIENCE)
                    .until(() -> kafka.readAll(kafkaDeadLetters), records -> !records.isEmpty()).get(0);
            ConsumerRecord<String, String> received = kafka.readAll(topic).get(0);
            assertHeaderSet("transactions", kafkaHeaders(record), Map.of("mstore-source-topic", topic,
                    "mstore-source-partition", String.valueOf(received.partition()), "mstore-source-offset", String.valueOf(received.offset())));

            Message order = orderDeadLetters.nextMessage(PATIENCE);
            assertThat(order).as("a dead letter on " + ordersDeadLetters).isNotNull();
            Map<String, String> orderHeaders = new LinkedHashMap<>();
            order.getHeaders().entrySet().forEach(entry -> orderHeaders.put(entry.getKey(), entry.getValue().get(0)));
            assertHeaderSet("orders", orderHeaders, Map.of("mstore-source-subject", ordersCreated));

            List<RabbitClient.Delivery> jobs = await().atMost(PATIENCE).until(() -> rabbit.drain(emailDeadLetters), found -> !found.isEmpty());
            Map<String, String> jobHeaders = new LinkedHashMap<>();
            jobs.get(0).properties().getHeaders().forEach((name, value) -> jobHeaders.put(name, String.valueOf(value)));
            assertHeaderSet("emails", jobHeaders, Map.of("mstore-source-queue", emails));

            MqttTestClient.Received status = mqtt.received().get(0);
            Map<String, String> statusHeaders = new LinkedHashMap<>();
            status.properties().getUserProperties().forEach(property -> statusHeaders.put(property.getKey(), property.getValue()));
            assertHeaderSet("devices", statusHeaders, Map.of("mstore-source-topic", "devices/" + device + "/status"));
        } finally {
            try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
                rabbit.deleteQueue(emails);
                rabbit.deleteQueue(emailDeadLetters);
            }
        }
    }

    private static void assertHeaderSet(String flow, Map<String, String> headers, Map<String, String> source) {
        assertThat(headers).as(flow).containsKeys(WHY.toArray(String[]::new)).doesNotContainKeys("mstore-forged", "Mstore-Body-Truncated");
        assertThat(headers.get("mstore-error-reason")).as(flow).isEqualTo("not-json");
        assertThat(headers).as(flow).containsEntry("mstore-flow", flow).containsAllEntriesOf(source);
    }

    private static Map<String, String> kafkaHeaders(ConsumerRecord<String, String> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }
}
