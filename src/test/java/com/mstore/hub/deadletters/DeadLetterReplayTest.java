package com.mstore.hub.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import com.mstore.hub.testing.WebSocketClient;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The dead-letter API against real brokers: a poison message of each flow is listed with its reason
 * and source, "fix and replay" has the flow's effect once, and a second replay of the same fixed
 * body has none.
 */
class DeadLetterReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String TOPIC = "transactions-" + RUN;
    private static final String AUDIT_TOPIC = "transactions.audit-" + RUN;
    private static final String DLQ_TOPIC = "transactions.dlq-" + RUN;
    private static final String GROUP = "mstore-audit-" + RUN;
    private static final String CACHE_CHANNEL = "cache:invalidate:" + RUN;
    private static final String ORDERS_CREATED = "orders.created." + RUN;
    private static final String STORE = "mstore:dead-letters:test-" + RUN;

    private static Map<String, String> settings;
    private static RunningHub hub;
    private static KafkaClient kafka;
    private static Jedis redis;
    private static Connection nats;

    @BeforeAll
    static void startHub() throws Exception {
        settings = new HashMap<>(TestBrokers.hubSettings());
        settings.put("mstore.transactions.topic", TOPIC);
        settings.put("mstore.transactions.audit-topic", AUDIT_TOPIC);
        settings.put("mstore.transactions.dlq-topic", DLQ_TOPIC);
        settings.put("mstore.transactions.consumer-group", GROUP);
        settings.put("mstore.transactions.receipts-consumer-group", GROUP + "-receipts");
        settings.put("mstore.cache.invalidate-channel", CACHE_CHANNEL);
        settings.put("mstore.orders.created-subject", ORDERS_CREATED);
        settings.put("mstore.orders.dlq-subject", "orders.dlq." + RUN);
        settings.put("mstore.orders.request-subject", "order.get." + RUN);
        settings.put("mstore.emails.queue", "emails-" + RUN);
        settings.put("mstore.emails.dlq", "emails-" + RUN + ".dlq");
        settings.put("mstore.emails.worker-enabled", "false");
        settings.put("mstore.dead-letters.key-prefix", STORE);
        settings.put("mstore.dead-letters.transactions-consumer-group", "mstore-dead-letters-" + RUN);
        hub = RunningHub.startWith(settings);
        kafka = new KafkaClient(settings.get("mstore.kafka.brokers"));
        redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")));
        nats = Nats.connect(settings.get("mstore.nats.servers"));
        await().atMost(PATIENCE).until(() -> redis.pubsubNumSub(CACHE_CHANNEL).getOrDefault(CACHE_CHANNEL, 0L) > 0);
    }

    @AfterAll
    static void stopHub() throws Exception {
        hub.close();
        kafka.close();
        redis.close();
        nats.close();
    }

    @Test
    void aPoisonTransactionIsListedAndItsFixedReplayIsAuditedOnce() throws Exception {
        String code = "TRX-DL-" + RUN;
        kafka.send(TOPIC, code, "{\"transactionCode\": \"" + code + "\", \"branchId\": \"seven\"}");
        JsonNode letter = awaitOne("transactions", "invalid-payload", code);
        assertThat(letter.get("source").get("topic").asText()).isEqualTo(TOPIC);
        assertThat(letter.get("source").get("key").asText()).isEqualTo(code);
        assertThat(letter.get("source").get("offset").asLong()).isZero();
        assertThat(letter.get("body").asText()).contains("seven");
        // the flow's own dead-letter target still has it
        assertThat(kafka.valuesOf(DLQ_TOPIC)).hasSize(1);

        String fixed = "{\"transactionCode\": \"" + code + "\", \"branchId\": 7, \"grandTotal\": 100}";
        replay(letter.get("id").asText(), fixed, "kafka:" + TOPIC);
        await().atMost(PATIENCE).until(() -> kafka.valuesOf(AUDIT_TOPIC).stream().anyMatch(v -> v.contains(code)));
        replay(letter.get("id").asText(), fixed, "kafka:" + TOPIC);
        await().atMost(PATIENCE).until(() -> kafka.caughtUp(GROUP, TOPIC) && kafka.readAll(TOPIC).size() == 3);
        assertThat(kafka.valuesOf(AUDIT_TOPIC).stream().filter(v -> v.contains(code))).hasSize(1);
        assertThat(item(letter.get("id").asText()).get("replays").asInt()).isEqualTo(2);
        assertThat(hub.metric("mstore_dead_letters_replayed_total", "flow=\"transactions\"")).isEqualTo(2);
    }

    @Test
    void aPoisonOrderIsListedAndItsFixedReplayIsInTheReadModelOnce() throws Exception {
        String orderId = "ORD-DL-" + RUN;
        nats.publish(ORDERS_CREATED, ("{\"orderId\": \"" + orderId + "\", \"status\": 5}").getBytes(StandardCharsets.UTF_8));
        JsonNode letter = awaitOne("orders", "invalid-payload", orderId);
        assertThat(letter.get("source").get("subject").asText()).isEqualTo(ORDERS_CREATED);

        String fixed = "{\"orderId\": \"" + orderId + "\", \"branchId\": 7, \"status\": \"created\", \"total\": 30000,"
                + " \"updatedAt\": \"2026-11-28T10:00:00Z\"}";
        replay(letter.get("id").asText(), fixed, "nats:" + ORDERS_CREATED);
        await().atMost(PATIENCE).until(() -> hub.get("/api/orders/" + orderId).body().contains("30000"));
        String once = hub.get("/api/orders/" + orderId).body();
        long applied = hub.completed("orders-created");
        replay(letter.get("id").asText(), fixed, "nats:" + ORDERS_CREATED);
        await().atMost(PATIENCE).until(() -> hub.completed("orders-created") > applied);
        assertThat(hub.get("/api/orders/" + orderId).body()).isEqualTo(once);
        assertThat(JSON.readTree(once).get("status").asText()).isEqualTo("created");
    }

    @Test
    void aRefusedInvalidationIsListedAndItsFixedReplayRemovesTheKey() throws Exception {
        String key = "cache:product:dl-" + RUN;
        redis.set(key, "stale");
        redis.publish(CACHE_CHANNEL, "{\"key\": \"session:" + RUN + "\"}");
        JsonNode letter = awaitOne("cache-invalidation", "forbidden-key", "session:" + RUN);
        assertThat(letter.get("source").get("channel").asText()).isEqualTo(CACHE_CHANNEL);
        assertThat(redis.exists(key)).isTrue();

        String fixed = "{\"key\": \"" + key + "\"}";
        replay(letter.get("id").asText(), fixed, "redis:" + CACHE_CHANNEL);
        await().atMost(PATIENCE).until(() -> !redis.exists(key));
        long handled = hub.completed("cache-invalidation");
        replay(letter.get("id").asText(), fixed, "redis:" + CACHE_CHANNEL);
        await().atMost(PATIENCE).until(() -> hub.completed("cache-invalidation") > handled);
        assertThat(redis.exists(key)).isFalse();
    }

    @Test
    void aRefusedNotificationIsListedAndItsFixedReplayIsPushedOnce() throws Exception {
        String userId = String.valueOf(900_000 + Math.abs(RUN.hashCode() % 99_999));
        String channel = "user:" + userId + ":notifications";
        try (WebSocketClient socket = new WebSocketClient("ws://localhost:" + hub.httpPort() + "/ws/users/" + userId + "/notifications")) {
            await().atMost(PATIENCE).until(() -> redis.pubsubNumPat().longValue() > 0);
            redis.publish(channel, "{\"userId\": 1, \"message\": \"for someone else\", \"timestamp\": 1764324000}");
            JsonNode letter = awaitOne("notifications", "user-mismatch", "for someone else");
            assertThat(letter.get("source").get("channel").asText()).isEqualTo(channel);

            String fixed = "{\"userId\": " + userId + ", \"message\": \"Your order shipped\", \"timestamp\": 1764324000}";
            replay(letter.get("id").asText(), fixed, "redis:" + channel);
            await().atMost(PATIENCE).until(() -> socket.received().size() == 1);
            long handled = hub.completed("user-notifications");
            replay(letter.get("id").asText(), fixed, "redis:" + channel);
            await().atMost(PATIENCE).until(() -> hub.completed("user-notifications") > handled);
            // a marker pushed after the second replay: once it is there, the replay would have been too
            redis.publish(channel, "{\"userId\": " + userId + ", \"message\": \"marker\", \"timestamp\": 1764324001}");
            await().atMost(PATIENCE).until(() -> socket.received().stream().anyMatch(m -> m.contains("marker")));
            assertThat(socket.received().stream().filter(m -> m.contains("Your order shipped"))).hasSize(1);
        }
    }

    @Test
    void unknownIdsBadRequestsAndDiscardsAnswerAsDocumented() throws Exception {
        assertThat(hub.get("/api/dead-letters/transactions.1-0").statusCode()).isEqualTo(404);
        assertThat(hub.get("/api/dead-letters/nonsense").statusCode()).isEqualTo(404);
        assertThat(hub.post("/api/dead-letters/transactions.1-0/replay", "{}").statusCode()).isEqualTo(404);
        HttpResponse<String> badFlow = hub.get("/api/dead-letters?flow=bogus");
        assertThat(badFlow.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badFlow.body()).get("error").asText()).isEqualTo("unknown-flow");
        assertThat(hub.get("/api/dead-letters?limit=0").statusCode()).isEqualTo(400);
        assertThat(hub.get("/api/dead-letters?cursor=x").statusCode()).isEqualTo(400);

        redis.publish(CACHE_CHANNEL, "not json " + RUN);
        JsonNode letter = awaitOne("cache-invalidation", "not-json", RUN);
        String id = letter.get("id").asText();
        assertThat(hub.post("/api/dead-letters/" + id + "/replay", "{\"body\": 5}").statusCode()).isEqualTo(400);
        assertThat(hub.post("/api/dead-letters/" + id + "/replay", "[1]").statusCode()).isEqualTo(400);
        assertThat(hub.post("/api/dead-letters/" + id + "/replay", "{\"body\": \"x\", \"extra\": 1}").statusCode()).isEqualTo(400);

        HttpResponse<String> deleted = hub.send(HttpRequest.newBuilder(URI.create("http://localhost:" + hub.httpPort() + "/api/dead-letters/" + id))
                .header("X-API-Key", RunningHub.TEST_API_KEY).DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(hub.get("/api/dead-letters/" + id).statusCode()).isEqualTo(404);
        assertThat(hub.metric("mstore_dead_letters_discarded_total", "flow=\"cache-invalidation\"")).isEqualTo(1);
        JsonNode summary = JSON.readTree(hub.get("/api/dead-letters/summary").body());
        assertThat(summary).hasSize(6);
        for (JsonNode flow : summary) {
            if (flow.get("flow").asText().equals("cache-invalidation")) {
                assertThat(flow.get("reasons").has("not-json")).isFalse();
            }
        }
    }

    @Test
    void withoutAKeyTheApiAnswers401() {
        HttpResponse<String> refused = hub.send(HttpRequest.newBuilder(URI.create("http://localhost:" + hub.httpPort() + "/api/dead-letters/summary"))
                .GET().build());
        assertThat(refused.statusCode()).isEqualTo(401);
        HttpResponse<String> page = hub.send(HttpRequest.newBuilder(URI.create("http://localhost:" + hub.httpPort() + "/console"))
                .GET().build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"api-key\"");
    }

    @Test
    void theListSurvivesARestartAndIsTheSameFromASecondInstance() throws Exception {
        redis.publish(CACHE_CHANNEL, "{\"timestamp\": 1, \"run\": \"restart-" + RUN + "\"}");
        JsonNode letter = awaitOne("cache-invalidation", "invalid-payload", "restart-" + RUN);
        String first = hub.get("/api/dead-letters?flow=cache-invalidation").body();
        try (RunningHub second = RunningHub.startWith(settings)) {
            assertThat(JSON.readTree(second.get("/api/dead-letters?flow=cache-invalidation").body()).get("items"))
                    .isEqualTo(JSON.readTree(first).get("items"));
            assertThat(second.get("/api/dead-letters/" + letter.get("id").asText()).statusCode()).isEqualTo(200);
        }
    }

    /** Waits for exactly one dead letter of the flow with that reason and text in its body, and returns it whole. */
    private static JsonNode awaitOne(String flow, String reason, String inBody) throws Exception {
        await().atMost(PATIENCE).until(() -> list(flow, reason, inBody).size() == 1);
        return item(list(flow, reason, inBody).get(0).get("id").asText());
    }

    private static List<JsonNode> list(String flow, String reason, String inBody) throws Exception {
        HttpResponse<String> response = hub.get("/api/dead-letters?flow=" + flow + "&reason=" + reason);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> items = new java.util.ArrayList<>();
        JSON.readTree(response.body()).get("items").forEach(item -> {
            if (item.get("body").asText().contains(inBody)) {
                items.add(item);
            }
        });
        return items;
    }

    private static JsonNode item(String id) throws Exception {
        HttpResponse<String> response = hub.get("/api/dead-letters/" + id);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void replay(String id, String body, String expectedTarget) throws Exception {
        HttpResponse<String> response = hub.post("/api/dead-letters/" + id + "/replay", JSON.writeValueAsString(Map.of("body", body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(JSON.readTree(response.body()).get("replayedTo").asText()).isEqualTo(expectedTarget);
    }
}
