package com.mstore.hub.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The dead-letter store cannot fill Redis or the heap: a flow keeps at most so many bytes of dead
 * letters (the oldest dropped first, counted), a listing holds each one's first part only, and a
 * listing filtered by reason reads a bounded number of entries before it answers, with a cursor.
 */
class DeadLetterStoreBoundsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFlowKeepsAtMostItsBytesListsFirstPartsAndFiltersInBoundedSteps() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = TestBrokers.hubSettings();
        settings.put("mstore.emails.worker-enabled", "false");
        settings.put("mstore.dead-letters.max-bytes-per-flow", "200000");
        settings.put("mstore.dead-letters.list-body-chars", "100");
        settings.put("mstore.dead-letters.scan-per-page", "50");
        String channel = settings.get("mstore.cache-invalidation.invalidate-channel");
        try (RunningHub hub = RunningHub.startWith(settings);
             Jedis redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")))) {
            await().atMost(PATIENCE).until(() -> redis.pubsubNumSub(channel).getOrDefault(channel, 0L) > 0);
            // ten refusals of 40 KB each: more than the flow's 200 KB
            for (int i = 0; i < 10; i++) {
                redis.publish(channel, "big " + i + " " + run + " " + "y".repeat(40_000));
                int kept = i + 1;
                await().atMost(PATIENCE).until(() -> hub.metric("mstore_dead_letters_total", "flow=\"cache-invalidation\"") == kept);
            }
            await().atMost(PATIENCE).until(() -> hub.metric("mstore_dead_letters_stored_bytes", "flow=\"cache-invalidation\"") > 0);
            assertThat(hub.metric("mstore_dead_letters_stored_bytes", "flow=\"cache-invalidation\"")).isLessThanOrEqualTo(200_000);
            double stored = hub.metric("mstore_dead_letters_stored", "flow=\"cache-invalidation\"");
            assertThat(stored).isBetween(3.0, 5.0);
            assertThat(hub.metric("mstore_dead_letters_dropped_total", "flow=\"cache-invalidation\"")).isEqualTo(10 - stored);

            List<JsonNode> listed = items(hub, "/api/dead-letters?flow=cache-invalidation&limit=500");
            assertThat(listed).hasSize((int) stored);
            assertThat(listed.get(0).get("body").asText()).startsWith("big 9 " + run).hasSize(100);
            assertThat(listed).allSatisfy(item -> {
                assertThat(item.get("body").asText().length()).isLessThanOrEqualTo(100);
                assertThat(item.get("bodyTruncated").asBoolean()).isTrue();
            });
            JsonNode whole = JSON.readTree(hub.get("/api/dead-letters/" + listed.get(0).get("id").asText()).body());
            assertThat(whole.get("body").asText()).hasSizeGreaterThan(40_000);

            // 60 newer refusals of another reason: a filter on the first reason reads 50 a page
            for (int i = 0; i < 60; i++) {
                redis.publish(channel, "{\"pattern\": \"session:" + run + ":" + i + "*\"}");
            }
            await().atMost(PATIENCE).until(() -> hub.metric("mstore_dead_letters_stored", "flow=\"cache-invalidation\"") == stored + 60);
            JsonNode first = JSON.readTree(hub.get("/api/dead-letters?flow=cache-invalidation&reason=too-large").body());
            assertThat(first.get("items")).isEmpty();
            assertThat(first.get("next").isNull()).as("a cursor where the filter stopped reading").isFalse();
            List<JsonNode> found = new ArrayList<>();
            String next = first.get("next").asText();
            int pages = 1;
            while (next != null) {
                JsonNode page = JSON.readTree(hub.get("/api/dead-letters?flow=cache-invalidation&reason=too-large&cursor=" + next).body());
                page.get("items").forEach(found::add);
                next = page.get("next").isNull() ? null : page.get("next").asText();
                pages++;
                assertThat(pages).isLessThan(10);
            }
            assertThat(found).hasSize((int) stored).allSatisfy(item -> assertThat(item.get("reason").asText()).isEqualTo("too-large"));
        }
    }

    private static List<JsonNode> items(RunningHub hub, String path) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        JSON.readTree(hub.get(path).body()).get("items").forEach(items::add);
        return items;
    }
}
