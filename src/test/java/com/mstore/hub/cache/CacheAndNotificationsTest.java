package com.mstore.hub.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.local.EmbeddedRedis;
import com.mstore.hub.local.Ports;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import com.mstore.hub.testing.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** Flow 5 against a real Redis: CONTRACTS.md section 5. */
class CacheAndNotificationsTest {

    private static final Logger LOG = LoggerFactory.getLogger(CacheAndNotificationsTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> settings = TestBrokers.hubSettings();
    private final String channel = settings.get("mstore.cache-invalidation.invalidate-channel");
    private Jedis redis;

    @BeforeEach
    void setUp() {
        redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")));
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void aKeyAndAPatternAreInvalidated() {
        redis.set("cache:product:" + run, "x");
        redis.set("cache:branch:" + run + ":sales", "x");
        redis.set("cache:branch:" + run + ":stock", "x");
        redis.set("cache:other:" + run, "x");
        try (RunningHub hub = RunningHub.startWith(settings)) {
            awaitSubscribed();
            publish("{\"key\": \"cache:product:%s\", \"timestamp\": 1764324000}".formatted(run));
            publish("{\"Pattern\": \"cache:branch:%s:*\"}".formatted(run));
            await().atMost(PATIENCE).until(() -> !redis.exists("cache:product:" + run)
                    && !redis.exists("cache:branch:" + run + ":sales") && !redis.exists("cache:branch:" + run + ":stock"));
            assertThat(redis.exists("cache:other:" + run)).isTrue();
        }
    }

    @Test
    void keysOutsideTheAllowedPrefixesSurviveAndEachRefusalIsCounted() throws Exception {
        String idem = "mstore:idem:transactions:" + run;
        String outside = "session:" + run;
        String withNewline = "cache:" + run + "\nmstore:idem:x";
        redis.set(idem, "1");
        redis.set(outside, "1");
        redis.set(withNewline, "1");
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("{\"pattern\": \"mstore:idem:*\"}", "forbidden-key");
        refused.put("{\"pattern\": \"*\"}", "forbidden-key");
        refused.put("{\"pattern\": \"c*\"}", "forbidden-key");
        refused.put("{\"pattern\": \"[c]ache:*\"}", "forbidden-key");
        refused.put("{\"key\": \"" + idem + "\"}", "forbidden-key");
        refused.put("{\"key\": \"" + outside + "\"}", "forbidden-key");
        refused.put(JSON.writeValueAsString(Map.of("key", withNewline)), "forbidden-key");
        refused.put("not json at all", "not-json");
        refused.put("{\"timestamp\": 1}", "invalid-payload");
        refused.put("{\"key\": \"cache:a\", \"pattern\": \"cache:*\"}", "invalid-payload");
        refused.put("", "empty-body");
        try (RunningHub hub = RunningHub.startWith(settings)) {
            awaitSubscribed();
            for (String message : refused.keySet()) {
                publish(message);
            }
            redis.set("cache:after:" + run, "x");
            publish("{\"key\": \"cache:after:%s\"}".formatted(run));
            await().atMost(PATIENCE).until(() -> !redis.exists("cache:after:" + run));
            Map<String, Long> expected = new HashMap<>();
            refused.values().forEach(reason -> expected.merge(reason, 1L, Long::sum));
            await().atMost(PATIENCE).untilAsserted(() -> expected.forEach((reason, count) ->
                    assertThat(deadLetters(hub, reason)).as(reason).isEqualTo(count)));
        }
        assertThat(redis.exists(idem)).isTrue();
        assertThat(redis.exists(outside)).isTrue();
        assertThat(redis.exists(withNewline)).isTrue();
    }

    @Test
    void aPatternOverAHundredThousandKeysDoesNotBlockOtherRedisClients() throws Exception {
        int count = 100_000;
        String prefix = "cache:bulk:" + run + ":";
        Pipeline pipeline = redis.pipelined();
        for (int i = 0; i < count; i++) {
            pipeline.set(prefix + i, "v");
        }
        pipeline.sync();
        try (RunningHub hub = RunningHub.startWith(settings);
             Jedis probe = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")))) {
            awaitSubscribed();
            long started = System.nanoTime();
            publish("{\"pattern\": \"" + prefix + "*\"}");
            long worstPingNanos = 0;
            long pings = 0;
            while (redis.exists(prefix + (count - 1)) || redis.exists(prefix + "0") || keysLeft(prefix) > 0) {
                long before = System.nanoTime();
                probe.ping();
                worstPingNanos = Math.max(worstPingNanos, System.nanoTime() - before);
                pings++;
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMinutes(2));
            }
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            LOG.info("Invalidated {} keys by pattern in {} ms; worst PING of another client meanwhile: {} ms over {} pings",
                    count, tookMillis, worstPingNanos / 1_000_000, pings);
            // a single blocking KEYS + DEL over this keyspace stalls every client for the whole run
            assertThat(worstPingNanos / 1_000_000).isLessThan(250);
        }
    }

    @Test
    void aWebSocketClientReceivesItsOwnUsersNotificationsAndNotAnotherUsers() throws Exception {
        long user = 900_000 + (long) (Math.random() * 90_000);
        long otherUser = user + 1;
        try (RunningHub hub = RunningHub.startWith(settings);
             WebSocketClient mine = new WebSocketClient("ws://localhost:" + hub.httpPort() + "/ws/users/" + user + "/notifications");
             WebSocketClient mineToo = new WebSocketClient("ws://localhost:" + hub.httpPort() + "/ws/users/" + user + "/notifications");
             WebSocketClient other = new WebSocketClient("ws://localhost:" + hub.httpPort() + "/ws/users/" + otherUser + "/notifications")) {
            await().atMost(PATIENCE).until(() -> redis.pubsubNumPat() > 0);
            redis.publish("user:" + user + ":notifications",
                    "{\"UserID\": %d, \"Message\": \"Battery low on POS-7\", \"Timestamp\": 1764324000}".formatted(user));
            redis.publish("user:" + otherUser + ":notifications",
                    "{\"userId\": %d, \"message\": \"for the other user\"}".formatted(otherUser));
            await().atMost(PATIENCE).until(() -> mine.received().size() == 1 && mineToo.received().size() == 1
                    && other.received().size() == 1);
            assertThat(JSON.readTree(mine.received().get(0)).get("message").asText()).isEqualTo("Battery low on POS-7");
            assertThat(JSON.readTree(mineToo.received().get(0)).get("userId").asLong()).isEqualTo(user);
            assertThat(JSON.readTree(other.received().get(0)).get("message").asText()).isEqualTo("for the other user");
        }
    }

    @Test
    void afterARedisRestartInvalidationWorksAgainWithoutRestartingTheHub() {
        int port = Ports.free();
        EmbeddedRedis own = EmbeddedRedis.start(port);
        settings.put("mstore.redis.port", String.valueOf(port));
        try (RunningHub hub = RunningHub.startWith(settings);
             Jedis client = new Jedis("localhost", port)) {
            await().atMost(PATIENCE).until(() -> subscribers(client) > 0);
            own.close();
            await().atMost(PATIENCE).until(() -> hub.get("/observe/health/ready").statusCode() == 503);
            own = EmbeddedRedis.start(port);
            Jedis fresh = new Jedis("localhost", port);
            await().atMost(Duration.ofSeconds(60)).until(() -> subscribers(fresh) > 0);
            fresh.set("cache:restart:" + run, "x");
            fresh.publish(channel, "{\"key\": \"cache:restart:%s\"}".formatted(run));
            await().atMost(PATIENCE).until(() -> !fresh.exists("cache:restart:" + run));
            await().atMost(PATIENCE).until(() -> hub.get("/observe/health/ready").statusCode() == 200);
            fresh.close();
        } finally {
            own.close();
        }
    }

    private long subscribers(Jedis client) {
        try {
            return client.pubsubNumSub(channel).getOrDefault(channel, 0L);
        } catch (RuntimeException redisNotBackYet) {
            return 0;
        }
    }

    /**
     * 50,000 invalidations and 50,000 notifications at once: the hub handles them on a bounded
     * number of threads (Spring's default would start one per message), invalidates every key, and
     * pushes every notification to the user's socket in the order it was published.
     */
    @Test
    void aBurstOfFiftyThousandMessagesRunsOnBoundedThreadsAndLosesNothing() throws Exception {
        int burst = 50_000;
        long user = 800_000 + (long) (Math.random() * 90_000);
        String prefix = "cache:burst:" + run + ":";
        Pipeline setup = redis.pipelined();
        for (int i = 0; i < burst; i++) {
            setup.set(prefix + i, "v");
        }
        setup.sync();
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        try (RunningHub hub = RunningHub.startWith(settings);
             WebSocketClient socket = new WebSocketClient("ws://localhost:" + hub.httpPort() + "/ws/users/" + user + "/notifications");
             Jedis publisher = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")))) {
            awaitSubscribed();
            await().atMost(PATIENCE).until(() -> redis.pubsubNumPat() > 0);
            long completedBefore = hub.completed("cache-invalidation");
            int threadsBefore = threads.getThreadCount();
            threads.resetPeakThreadCount();
            Pipeline burstOut = publisher.pipelined();
            for (int i = 0; i < burst; i++) {
                burstOut.publish(channel, "{\"key\": \"" + prefix + i + "\"}");
                burstOut.publish("user:" + user + ":notifications", "{\"userId\": " + user + ", \"message\": \"n" + i + "\"}");
            }
            burstOut.sync();
            await().atMost(Duration.ofSeconds(120)).until(() -> hub.completed("cache-invalidation") - completedBefore >= burst
                    && socket.received().size() >= burst);
            int peak = threads.getPeakThreadCount();
            LOG.info("Burst of {} + {}: {} threads before, peak {}", burst, burst, threadsBefore, peak);
            assertThat(peak - threadsBefore).as("threads started for the burst").isLessThan(20);
            assertThat(redis.keys(prefix + "*")).isEmpty();
            List<String> received = socket.received();
            assertThat(received).hasSize(burst);
            for (int i = 0; i < burst; i++) {
                assertThat(JSON.readTree(received.get(i)).get("message").asText()).isEqualTo("n" + i);
            }
            assertThat(hub.get("/observe/metrics").body().lines()
                    .filter(line -> line.startsWith("mstore_redis_listener_dropped_messages_total{")))
                    .as("the drop counter of each Redis flow, at zero").hasSize(2).allMatch(line -> line.endsWith(" 0.0"));
        }
    }

    private void awaitSubscribed() {
        await().atMost(PATIENCE).until(() -> redis.pubsubNumSub(channel).getOrDefault(channel, 0L) > 0);
    }

    private void publish(String message) {
        redis.publish(channel, message);
    }

    private long keysLeft(String prefix) {
        return redis.scan("0", new redis.clients.jedis.params.ScanParams().match(prefix + "*").count(1000)).getResult().size();
    }

    private static long deadLetters(RunningHub hub, String reason) {
        return (long) hub.metric("mstore_dead_letters_total", "reason=\"" + reason + "\"", "route=\"cache-invalidation\"");
    }
}
