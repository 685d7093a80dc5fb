package com.mstore.hub.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.local.NatsServer;
import com.mstore.hub.testing.FreePorts;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The dead-letter store's edges, on a hub with room for three dead letters per flow and a NATS
 * server of its own to stop: the oldest dropped and counted, a listing paged across flows, and a
 * replay refused while its broker is away.
 */
class DeadLetterLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final Map<String, String> SETTINGS = TestBrokers.hubSettings();
    private static final String ORDERS_CREATED = SETTINGS.get("mstore.orders.created-subject");
    private static final String CACHE_CHANNEL = SETTINGS.get("mstore.cache-invalidation.invalidate-channel");

    private static NatsServer natsServer;
    private static RunningHub hub;
    private static Connection nats;
    private static Jedis redis;

    @BeforeAll
    static void startHub() throws Exception {
        int natsPort = FreePorts.one();
        natsServer = NatsServer.start(natsPort);
        Map<String, String> settings = SETTINGS;
        settings.put("mstore.nats.servers", "nats://localhost:" + natsPort);
        settings.put("mstore.nats.reconnect-wait-ms", "100");
        settings.put("mstore.emails.worker-enabled", "false");
        settings.put("mstore.dead-letters.max-per-flow", "3");
        settings.put("mstore.dead-letters.replay-timeout-ms", "2000");
        hub = RunningHub.startWith(settings);
        nats = Nats.connect(new Options.Builder().server("nats://localhost:" + natsPort).maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100)).build());
        redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")));
        await().atMost(PATIENCE).until(() -> redis.pubsubNumSub(CACHE_CHANNEL).getOrDefault(CACHE_CHANNEL, 0L) > 0);
    }

    @AfterAll
    static void stopHub() throws Exception {
        hub.close();
        nats.close();
        redis.close();
        natsServer.close();
    }

    @Test
    void beyondTheBoundTheOldestAreDroppedAndCounted() throws Exception {
        double droppedBefore = hub.metric("mstore_dead_letters_dropped_total", "flow=\"orders\"");
        for (int i = 0; i < 5; i++) {
            poisonOrder("ORD-BOUND-" + i + "-" + RUN);
        }
        List<String> kept = new ArrayList<>();
        items("/api/dead-letters?flow=orders").forEach(item -> kept.add(item.get("body").asText()));
        assertThat(kept).hasSize(3);
        assertThat(kept.get(0)).contains("ORD-BOUND-4-");
        assertThat(kept.get(1)).contains("ORD-BOUND-3-");
        assertThat(kept.get(2)).contains("ORD-BOUND-2-");
        JsonNode orders = summaryOf("orders");
        assertThat(orders.get("count").asLong()).isEqualTo(3);
        assertThat(orders.get("reasons").get("invalid-payload").asLong()).isEqualTo(3);
        assertThat(orders.get("dropped").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(hub.metric("mstore_dead_letters_dropped_total", "flow=\"orders\"") - droppedBefore).isEqualTo(2);
        assertThat(hub.metric("mstore_dead_letters_stored", "flow=\"orders\"")).isEqualTo(3);
    }

    @Test
    void aListingPagedByItsCursorWalksEveryFlowNewestFirst() throws Exception {
        poisonInvalidation("page-a-" + RUN);
        poisonOrder("ORD-PAGE-B-" + RUN);
        poisonInvalidation("page-c-" + RUN);
        List<String> whole = ids(items("/api/dead-letters?limit=50"));
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = JSON.readTree(ok("/api/dead-letters?limit=2"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8))).body());
            assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
            page.get("items").forEach(item -> paged.add(item.get("id").asText()));
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null);
        assertThat(paged).isEqualTo(whole);
        List<String> mine = new ArrayList<>();
        items("/api/dead-letters?limit=50").forEach(item -> {
            String body = item.get("body").asText();
            for (String[] marker : new String[][] {{"page-a-" + RUN, "a"}, {"ORD-PAGE-B-" + RUN, "b"}, {"page-c-" + RUN, "c"}}) {
                if (body.contains(marker[0])) {
                    mine.add(marker[1]);
                }
            }
        });
        assertThat(mine).containsExactly("c", "b", "a");
    }

    @Test
    void aReplayWhileTheSourceBrokerIsDownAnswers503AndTheItemStays() throws Exception {
        poisonOrder("ORD-DOWN-" + RUN);
        String id = items("/api/dead-letters?flow=orders").get(0).get("id").asText();
        String fixed = JSON.writeValueAsString(Map.of("body", "{\"orderId\": \"ORD-DOWN-" + RUN + "\", \"branchId\": 7,"
                + " \"status\": \"created\", \"total\": 100, \"updatedAt\": \"2026-11-28T10:00:00Z\"}"));
        natsServer.stop();
        try {
            HttpResponse<String> refused = hub.post("/api/dead-letters/" + id + "/replay", fixed);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(JSON.readTree(refused.body()).get("message").asText()).contains("NATS");
            JsonNode kept = JSON.readTree(ok("/api/dead-letters/" + id).body());
            assertThat(kept.get("replays").asInt()).isZero();
        } finally {
            natsServer.start();
        }
        await().atMost(PATIENCE).until(() -> hub.post("/api/dead-letters/" + id + "/replay", fixed).statusCode() == 202);
        await().atMost(PATIENCE).until(() -> hub.get("/api/orders/ORD-DOWN-" + RUN).statusCode() == 200);
    }

    /** Publishes an order event that fails its schema and waits until its dead letter is kept. */
    private static void poisonOrder(String orderId) throws Exception {
        nats.publish(ORDERS_CREATED, ("{\"orderId\": \"" + orderId + "\", \"status\": 5}").getBytes(StandardCharsets.UTF_8));
        await().atMost(PATIENCE).until(() -> items("/api/dead-letters?flow=orders").stream()
                .anyMatch(item -> item.get("body").asText().contains(orderId)));
    }

    private static void poisonInvalidation(String marker) throws Exception {
        redis.publish(CACHE_CHANNEL, "{\"timestamp\": 1, \"marker\": \"" + marker + "\"}");
        await().atMost(PATIENCE).until(() -> items("/api/dead-letters?flow=cache-invalidation").stream()
                .anyMatch(item -> item.get("body").asText().contains(marker)));
    }

    private static JsonNode summaryOf(String flow) throws Exception {
        for (JsonNode item : JSON.readTree(ok("/api/dead-letters/summary").body())) {
            if (item.get("flow").asText().equals(flow)) {
                return item;
            }
        }
        throw new AssertionError("no summary for " + flow);
    }

    private static List<JsonNode> items(String path) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        JSON.readTree(ok(path).body()).get("items").forEach(items::add);
        return items;
    }

    private static List<String> ids(List<JsonNode> items) {
        return items.stream().map(item -> item.get("id").asText()).toList();
    }

    private static HttpResponse<String> ok(String path) {
        HttpResponse<String> response = hub.get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }
}
