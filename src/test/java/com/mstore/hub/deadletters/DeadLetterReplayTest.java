package com.mstore.hub.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.errors.RejectedMessageException;
import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.Ports;
import com.mstore.hub.security.ApiAuthentication;
import com.mstore.hub.testing.FreePorts;
import com.mstore.hub.testing.HubProcess;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.MqttTestClient;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RedisSubscriber;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import com.mstore.hub.testing.WebSocketClient;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    private static final Map<String, String> settings = TestBrokers.hubSettings();
    private static final String TOPIC = settings.get("mstore.transactions.topic");
    private static final String AUDIT_TOPIC = settings.get("mstore.transactions.audit-topic");
    private static final String DLQ_TOPIC = settings.get("mstore.transactions.dlq-topic");
    private static final String GROUP = settings.get("mstore.transactions.consumer-group");
    private static final String CACHE_CHANNEL = settings.get("mstore.cache-invalidation.invalidate-channel");
    private static final String ORDERS_CREATED = settings.get("mstore.orders.created-subject");
    private static final String STORE = "mstore:dead-letters:test-" + RUN;
    private static final String EMAIL_QUEUE = settings.get("mstore.emails.queue");

    private static RunningHub hub;
    private static KafkaClient kafka;
    private static Jedis redis;
    private static Connection nats;
    private static RabbitClient rabbit;
    private static GreenMailSmtp smtp;
    private static MqttTestClient devices;

    @BeforeAll
    static void startHub() throws Exception {
        int smtpPort = Ports.free();
        settings.put("mstore.smtp.port", String.valueOf(smtpPort));
        settings.put("mstore.dead-letters.key-prefix", STORE);
        settings.put("mstore.dead-letters.transactions-consumer-group", "mstore-dead-letters-" + RUN);
        smtp = GreenMailSmtp.start(smtpPort);
        hub = RunningHub.startWith(settings);
        rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"));
        devices = new MqttTestClient(settings.get("mstore.mqtt.server-uri"));
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
        devices.close();
        rabbit.deleteQueue(EMAIL_QUEUE);
        rabbit.deleteQueue(settings.get("mstore.emails.dlq"));
        rabbit.close();
        smtp.close();
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
        // in words for the operator; the class for developers, in a field of its own
        assertThat(letter.get("message").asText()).isEqualTo("payload does not match its schema: field branchId: must be integer, not string; field grandTotal: is missing");
        assertThat(letter.get("errorType").asText()).isEqualTo(RejectedMessageException.class.getName());
        // the flow's own dead-letter target still has it
        assertThat(kafka.valuesOf(DLQ_TOPIC)).hasSize(1);

        String fixed = "{\"transactionCode\": \"" + code + "\", \"branchId\": 7, \"grandTotal\": 100}";
        // the key id is the hub's to say: one the caller sends is not taken
        HttpResponse<String> first = hub.send(HttpRequest.newBuilder(URI.create("http://localhost:" + hub.httpPort()
                        + "/api/dead-letters/" + letter.get("id").asText() + "/replay"))
                .header("Authorization", "Bearer " + RunningHub.TEST_API_KEY).header("Content-Type", "application/json")
                .header(ApiAuthentication.KEY_ID, "key-forged")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("body", fixed)))).build());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> kafka.valuesOf(AUDIT_TOPIC).stream().anyMatch(v -> v.contains(code)));
        // the audit log says for good that this transaction came in through an edited replay, and by whom
        JsonNode replayed = JSON.readTree(kafka.valuesOf(AUDIT_TOPIC).stream().filter(v -> v.contains(code)).findFirst().orElseThrow())
                .get("audit").get("replay");
        assertThat(replayed.get("deadLetterId").asText()).isEqualTo(letter.get("id").asText());
        assertThat(replayed.get("by").asText()).isEqualTo(ApiAuthentication.keyId(RunningHub.TEST_API_KEY));
        assertThat(replayed.get("bodyChanged").asBoolean()).isTrue();
        assertThat(item(letter.get("id").asText()).get("replays").asInt()).isEqualTo(1);
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
    void aPoisonEmailJobIsListedAndItsFixedReplayIsMailedOnce() throws Exception {
        String jobId = "job-dl-" + RUN;
        String to = "dl-" + RUN + "@example.com";
        rabbit.publish(EMAIL_QUEUE, "{\"jobId\": \"" + jobId + "\", \"type\": \"transaction_receipt\", \"transactionId\": 42}", 3);
        JsonNode letter = awaitOne("emails", "invalid-payload", jobId);
        assertThat(letter.get("source").get("queue").asText()).isEqualTo(EMAIL_QUEUE);
        assertThat(letter.get("source").get("priority").asInt()).isEqualTo(3);
        // the flow's own dead-letter queue still has it
        await().atMost(PATIENCE).until(() -> rabbit.ready(settings.get("mstore.emails.dlq")) == 1);

        String fixed = "{\"jobId\": \"" + jobId + "\", \"type\": \"transaction_receipt\", \"transactionId\": 42, \"to\": \"" + to + "\"}";
        replay(letter.get("id").asText(), fixed, "rabbitmq:" + EMAIL_QUEUE);
        await().atMost(PATIENCE).until(() -> mailsTo(to) == 1);
        long handled = hub.completed("email-jobs");
        replay(letter.get("id").asText(), fixed, "rabbitmq:" + EMAIL_QUEUE);
        await().atMost(PATIENCE).until(() -> hub.completed("email-jobs") > handled && rabbit.ready(EMAIL_QUEUE) == 0);
        // a job queued after the second replay: once it is mailed, the replay would have been too
        String marker = "marker-" + RUN + "@example.com";
        rabbit.publish(EMAIL_QUEUE, "{\"jobId\": \"marker-" + RUN + "\", \"type\": \"transaction_receipt\", \"transactionId\": 43, \"to\": \""
                + marker + "\"}", 1);
        await().atMost(PATIENCE).until(() -> mailsTo(marker) == 1);
        assertThat(mailsTo(to)).isEqualTo(1);
    }

    @Test
    void aPoisonDeviceStatusIsListedAndItsFixedReplayNotifiesTheBranchOnce() throws Exception {
        String deviceId = "POS-DL-" + RUN;
        long branch = 800_000 + Math.abs(RUN.hashCode() % 99_999);
        String user = String.valueOf(branch + 3);
        redis.sadd("mstore:branch:" + branch + ":users", user);
        String topic = "devices/" + deviceId + "/status";
        try (RedisSubscriber notifications = new RedisSubscriber(settings.get("mstore.redis.host"),
                Integer.parseInt(settings.get("mstore.redis.port")), "user:" + user + ":notifications")) {
            // the hub's shared subscription is in place once a status reaches the registry
            String probe = "POS-DL-PROBE-" + RUN;
            devices.publish("devices/" + probe + "/status", "{\"deviceId\": \"" + probe + "\", \"online\": true}");
            await().atMost(PATIENCE).until(() -> hub.get("/api/devices/" + probe).statusCode() == 200);
            devices.publish(topic, "{\"deviceId\": \"" + deviceId + "\", \"online\": true, \"batteryLevel\": 150, \"branchId\": " + branch + "}");
            JsonNode letter = awaitOne("devices", "invalid-payload", deviceId);
            assertThat(letter.get("source").get("topic").asText()).isEqualTo(topic);
            assertThat(hub.get("/api/devices/" + deviceId).statusCode()).isEqualTo(404);

            String fixed = "{\"deviceId\": \"" + deviceId + "\", \"online\": true, \"batteryLevel\": 5, \"lastSeen\": \"2026-11-28T10:00:00Z\","
                    + " \"branchId\": " + branch + "}";
            replay(letter.get("id").asText(), fixed, "mqtt:" + topic);
            await().atMost(PATIENCE).until(() -> hub.get("/api/devices/" + deviceId).statusCode() == 200);
            assertThat(JSON.readTree(hub.get("/api/devices/" + deviceId).body()).get("batteryLevel").asInt()).isEqualTo(5);
            await().atMost(PATIENCE).until(() -> notifications.messages().size() == 1);
            long handled = hub.completed("device-status");
            replay(letter.get("id").asText(), fixed, "mqtt:" + topic);
            await().atMost(PATIENCE).until(() -> hub.completed("device-status") > handled);
            // a second device of the branch running low after the replay: its notification comes after any the replay made
            String marker = "POS-DL-MARKER-" + RUN;
            devices.publish("devices/" + marker + "/status", "{\"deviceId\": \"" + marker + "\", \"online\": true, \"batteryLevel\": 4,"
                    + " \"lastSeen\": \"2026-11-28T10:00:00Z\", \"branchId\": " + branch + "}");
            await().atMost(PATIENCE).until(() -> notifications.messages().stream().anyMatch(m -> m.contains(marker)));
            assertThat(notifications.messages().stream().filter(m -> m.contains(deviceId + ":"))).hasSize(1);
        } finally {
            redis.del("mstore:branch:" + branch + ":users");
        }
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
            assertThat(hub.metric("mstore_duplicates_total", "flow=\"notifications\"")).isEqualTo(1);
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
        assertThat(letter.get("message").asText()).isEqualTo("not JSON: unrecognized token 'not' at line 1, column 1");
        assertThat(letter.get("errorType").asText()).endsWith("< " + JsonParseException.class.getName());
        String id = letter.get("id").asText();
        assertThat(hub.post("/api/dead-letters/" + id + "/replay", "{\"body\": 5}").statusCode()).isEqualTo(400);
        assertThat(hub.post("/api/dead-letters/" + id + "/replay", "[1]").statusCode()).isEqualTo(400);
        assertThat(hub.post("/api/dead-letters/" + id + "/replay", "{\"body\": \"x\", \"extra\": 1}").statusCode()).isEqualTo(400);
        // a fix sent without its content type, or as text, is refused, not dropped for the original
        long handledBefore = hub.completed("cache-invalidation");
        String fix = "{\"body\": \"{\\\"key\\\": \\\"cache:fix-" + RUN + "\\\"}\"}";
        for (String contentType : new String[] {null, "text/plain", "application/x-www-form-urlencoded"}) {
            HttpRequest.Builder post = HttpRequest.newBuilder(URI.create("http://localhost:" + hub.httpPort() + "/api/dead-letters/" + id + "/replay"))
                    .header("X-API-Key", RunningHub.TEST_API_KEY).POST(HttpRequest.BodyPublishers.ofString(fix));
            if (contentType != null) {
                post.header("Content-Type", contentType);
            }
            HttpResponse<String> refused = hub.send(post.build());
            assertThat(refused.statusCode()).as("replay sent as " + contentType).isEqualTo(415);
            assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("unsupported-media-type");
        }
        assertThat(JSON.readTree(hub.get("/api/dead-letters/" + id).body()).get("replays").asInt()).isZero();
        assertThat(hub.metric("mstore_dead_letters_replayed_total", "flow=\"cache-invalidation\"")).isZero();
        assertThat(hub.completed("cache-invalidation")).isEqualTo(handledBefore);

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
        HttpResponse<String> root = hub.send(HttpRequest.newBuilder(URI.create("http://localhost:" + hub.httpPort() + "/")).GET().build());
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location")).contains("/console");
    }

    /**
     * Two instances both receive a Redis message and both refuse it: it is one dead letter, listed
     * alike by both, and still there for a hub started afresh in a process of its own.
     */
    @Test
    void aFleetKeepsABroadcastRefusalOnceAndTheListSurvivesARestart(@TempDir Path logs) throws Exception {
        // the other instances in groups of their own (the device test's statuses are the main hub's)
        Map<String, String> secondSettings = new HashMap<>(settings);
        // a group of its own: a closed hub's session stays in its group for a while, taking its share
        secondSettings.put("mstore.devices.share-group", settings.get("mstore.devices.share-group") + "-second");
        try (RunningHub second = RunningHub.startWith(secondSettings)) {
            await().atMost(PATIENCE).until(() -> redis.pubsubNumSub(CACHE_CHANNEL).getOrDefault(CACHE_CHANNEL, 0L) >= 2);
            long firstHandled = hub.completed("cache-invalidation");
            long secondHandled = second.completed("cache-invalidation");
            redis.publish(CACHE_CHANNEL, "{\"timestamp\": 1, \"run\": \"restart-" + RUN + "\"}");
            // both have dead-lettered it once their exchanges are done
            await().atMost(PATIENCE).until(() -> hub.completed("cache-invalidation") > firstHandled
                    && second.completed("cache-invalidation") > secondHandled);
            assertThat(list("cache-invalidation", "invalid-payload", "restart-" + RUN)).hasSize(1);
            assertThat(JSON.readTree(second.get("/api/dead-letters?flow=cache-invalidation").body()).get("items"))
                    .isEqualTo(JSON.readTree(hub.get("/api/dead-letters?flow=cache-invalidation").body()).get("items"));
        }
        String listed = hub.get("/api/dead-letters?flow=cache-invalidation").body();
        Map<String, String> restarted = new HashMap<>(secondSettings);
        restarted.put("mstore.http.api-keys", RunningHub.TEST_API_KEY);
        restarted.put("mstore.instance-id", "restarted-" + RUN);
        int port = FreePorts.one();
        restarted.put("mstore.http.port", String.valueOf(port));
        Process process = HubProcess.startHubApplication(restarted, Map.of(), logs.resolve("hub.log"));
        try {
            HttpResponse<String> afterRestart = hub.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/api/dead-letters?flow=cache-invalidation"))
                    .header("X-API-Key", RunningHub.TEST_API_KEY).GET().build());
            assertThat(JSON.readTree(afterRestart.body()).get("items")).isEqualTo(JSON.readTree(listed).get("items"));
        } finally {
            process.destroy();
            process.waitFor();
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

    private static long mailsTo(String address) {
        return java.util.Arrays.stream(smtp.mailbox().getReceivedMessages()).filter(mail -> {
            try {
                return mail.getAllRecipients()[0].toString().equals(address);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).count();
    }

    private static void replay(String id, String body, String expectedTarget) throws Exception {
        HttpResponse<String> response = hub.post("/api/dead-letters/" + id + "/replay", JSON.writeValueAsString(Map.of("body", body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(JSON.readTree(response.body()).get("replayedTo").asText()).isEqualTo(expectedTarget);
    }
}
