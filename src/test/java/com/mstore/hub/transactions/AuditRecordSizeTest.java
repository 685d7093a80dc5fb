package com.mstore.hub.transactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.local.KafkaKraftBroker;
import com.mstore.hub.local.Ports;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * At Kafka's own size limits, a valid transaction just under the intake's limit makes an audit record
 * over Kafka's: it ends in the dead-letter topic, cut, with its reason, and its partition goes on.
 */
class AuditRecordSizeTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTransactionWhoseAuditRecordIsOverKafkasLimitIsDeadLetteredCutAndItsPartitionGoesOn() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = TestBrokers.hubSettings();
        settings.put("mstore.emails.worker-enabled", "false");
        String topic = settings.get("mstore.transactions.topic");
        String auditTopic = settings.get("mstore.transactions.audit-topic");
        String deadLetters = settings.get("mstore.transactions.dlq-topic");
        try (KafkaKraftBroker kafkaAtItsLimits = KafkaKraftBroker.startWithKafkasLimits(Ports.free())) {
            settings.put("mstore.kafka.brokers", "localhost:" + kafkaAtItsLimits.port());
            try (RunningHub hub = RunningHub.startWith(settings);
                 KafkaClient kafka = new KafkaClient(settings.get("mstore.kafka.brokers"))) {
                String big = "TRX-BIG-" + run;
                // 1,048,460 bytes: under the intake's 1 MiB and, with its record's own bytes, Kafka's
                // 1,048,588; once audited (about 170 bytes more) it is not
                String head = "{\"transactionCode\": \"" + big + "\", \"branchId\": 7, \"grandTotal\": 1, \"note\": \"";
                String value = head + "x".repeat(1_048_460 - head.length() - 2) + "\"}";
                assertThat(value.getBytes(StandardCharsets.UTF_8)).hasSize(1_048_460);
                kafka.send(topic, 0, big, value);
                for (int i = 0; i < 5; i++) {
                    kafka.send(topic, 0, "TRX-AFTER-" + run + "-" + i,
                            "{\"transactionCode\": \"TRX-AFTER-" + run + "-" + i + "\", \"branchId\": 7, \"grandTotal\": 1}");
                }
                await().atMost(PATIENCE).until(() -> kafka.valuesOf(auditTopic).stream().filter(v -> v.contains("TRX-AFTER-" + run)).count() == 5);
                ConsumerRecord<String, String> deadLetter = await().atMost(PATIENCE)
                        .until(() -> kafka.readAll(deadLetters), found -> !found.isEmpty()).get(0);
                assertThat(deadLetter.key()).isEqualTo(big);
                assertThat(header(deadLetter, "mstore-error-reason")).isEqualTo("too-large");
                assertThat(header(deadLetter, "mstore-error-message")).contains("over what Kafka takes");
                assertThat(header(deadLetter, "mstore-body-truncated")).isEqualTo("true");
                assertThat(deadLetter.value().length()).isEqualTo(64 * 1024);
                assertThat(kafka.valuesOf(auditTopic)).noneMatch(v -> v.contains(big));
                assertThat(hub.metric("mstore_dead_letters_total", "flow=\"transactions\"", "reason=\"too-large\"")).isEqualTo(1);
                JsonNode kept = await().atMost(PATIENCE).until(() -> JSON.readTree(hub.get("/api/dead-letters?flow=transactions").body())
                        .get("items"), items -> items.size() == 1).get(0);
                assertThat(kept.get("reason").asText()).isEqualTo("too-large");
                assertThat(kept.get("bodyTruncated").asBoolean()).isTrue();
            }
        } finally {
            try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
                rabbit.deleteQueue(settings.get("mstore.emails.queue"));
                rabbit.deleteQueue(settings.get("mstore.emails.dlq"));
            }
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
