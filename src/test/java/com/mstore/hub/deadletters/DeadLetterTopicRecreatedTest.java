package com.mstore.hub.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * A dead letter read back from a Kafka dead-letter topic is remembered so it is kept once; a topic
 * made again (a dev Kafka started empty, a topic deleted in production) numbers its records from 0
 * again, and the new dead letter at an old offset is kept too.
 */
class DeadLetterTopicRecreatedTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aNewDeadLetterAtTheOffsetOfOneKeptBeforeTheTopicWasMadeAgainIsKept() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = TestBrokers.hubSettings();
        // the two hubs share one dead-letter store, as a dev hub and its restart do
        settings.put("mstore.dead-letters.key-prefix", "mstore:dead-letters:recreated-" + run);
        settings.put("mstore.emails.worker-enabled", "false");
        String topic = settings.get("mstore.transactions.topic");
        String deadLetters = settings.get("mstore.transactions.dlq-topic");
        try (KafkaClient kafka = new KafkaClient(settings.get("mstore.kafka.brokers"))) {
            try (RunningHub hub = RunningHub.startWith(settings)) {
                kafka.send(topic, "TRX-OLD-" + run, "{\"transactionCode\": \"TRX-OLD-" + run + "\", \"branchId\": \"one\", \"grandTotal\": 1}");
                await().atMost(PATIENCE).until(() -> kept(hub).size() == 1);
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get("mstore.kafka.brokers")))) {
                admin.deleteTopics(List.of(topic, deadLetters, settings.get("mstore.transactions.audit-topic"))).all().get();
                await().atMost(PATIENCE).until(() -> !admin.listTopics().names().get().contains(deadLetters));
            }
            try (RunningHub hub = RunningHub.startWith(settings)) {
                kafka.send(topic, "TRX-NEW-" + run, "{\"transactionCode\": \"TRX-NEW-" + run + "\", \"branchId\": \"two\", \"grandTotal\": 2}");
                await().atMost(PATIENCE).until(() -> kept(hub).size() == 2);
                assertThat(kept(hub)).anyMatch(body -> body.contains("TRX-NEW-" + run)).anyMatch(body -> body.contains("TRX-OLD-" + run));
            }
        }
    }

    private static List<String> kept(RunningHub hub) throws Exception {
        return JSON.readTree(hub.get("/api/dead-letters?flow=transactions").body()).get("items").findValuesAsText("body");
    }
}
