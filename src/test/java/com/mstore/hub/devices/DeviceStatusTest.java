package com.mstore.hub.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.local.EmbeddedRedis;
import com.mstore.hub.testing.MqttTestClient;
import com.mstore.hub.local.Ports;
import com.mstore.hub.testing.RedisSubscriber;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.workers.OrderedWorkers;
import com.mstore.hub.testing.TestBrokers;
import com.mstore.hub.testing.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Flow 4 against a real MQTT 5 broker and Redis, with plain MQTT clients as the devices: CONTRACTS.md section 4. */
class DeviceStatusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> settings = TestBrokers.hubSettings();
    private final String deadLetterTopic = settings.get("mstore.devices.dlq-topic");
    private MqttTestClient device;
    private Jedis redis;

    @BeforeEach
    void setUp() {
        settings.put("mstore.devices.session-expiry-seconds", "30");
        settings.put("mstore.instance-id", "a-" + run);
        device = new MqttTestClient(settings.get("mstore.mqtt.server-uri"));
        redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")));
    }

    @AfterEach
    void tearDown() {
        device.close();
        redis.close();
    }

    @Test
    void statusesFromSeveralDevicesEndInTheRegistry() throws Exception {
        try (RunningHub hub = RunningHub.startWith(settings)) {
            for (int i = 0; i < 5; i++) {
                publishStatus("POS-" + run + "-" + i, true, 50 + i, Instant.parse("2026-11-28T10:00:00Z"));
            }
            for (int i = 0; i < 5; i++) {
                JsonNode entry = awaitDevice(hub, "POS-" + run + "-" + i);
                assertThat(entry.get("online").asBoolean()).isTrue();
                assertThat(entry.get("batteryLevel").asInt()).isEqualTo(50 + i);
                assertThat(entry.get("lastSeen").asText()).isEqualTo("2026-11-28T10:00:00Z");
                assertThat(entry.get("updatedAt").asText()).isNotBlank();
            }
            assertThat(hub.get("/api/devices/POS-NEVER-" + run).statusCode()).isEqualTo(404);
        }
    }

    /** A device id from the request path stays a string in the reply, whatever it holds. */
    @Test
    void aDeviceIdThatLooksLikeJsonStaysInsideItsString() throws Exception {
        String hostile = "\",\"x\":\"1" + run;
        String encoded = java.net.URLEncoder.encode(hostile, StandardCharsets.UTF_8).replace("+", "%20");
        try (RunningHub hub = RunningHub.startWith(settings)) {
            HttpResponse<String> missing = hub.get("/api/devices/" + encoded);
            assertThat(missing.statusCode()).isEqualTo(404);
            JsonNode reply = JSON.readTree(missing.body());
            assertThat(reply.get("deviceId").asText()).isEqualTo(hostile);
            assertThat(reply.has("x")).isFalse();

            HttpResponse<String> command = hub.post("/api/devices/" + encoded + "/commands", "{\"command\": \"reboot\"}");
            assertThat(command.statusCode()).isEqualTo(202);
            JsonNode published = JSON.readTree(command.body());
            assertThat(published.get("published").asText()).isEqualTo("devices/" + hostile + "/events");
            assertThat(published.size()).isEqualTo(1);
        }
    }

    @Test
    void anOlderStatusArrivingLateDoesNotOverwriteANewerOne() throws Exception {
        String id = "POS-ORDER-" + run;
        try (RunningHub hub = RunningHub.startWith(settings)) {
            publishStatus(id, true, 80, Instant.parse("2026-11-28T10:05:00Z"));
            awaitDevice(hub, id);
            publishStatus(id, false, 99, Instant.parse("2026-11-28T10:00:00Z"));
            // statuses are applied by several workers: wait for this one's own exchange, not a later one's
            await().atMost(PATIENCE).until(() -> hub.completed("device-status") >= 2);
            JsonNode entry = awaitDevice(hub, id);
            assertThat(entry.get("batteryLevel").asInt()).isEqualTo(80);
            assertThat(entry.get("online").asBoolean()).isTrue();
        }
    }

    /**
     * Statuses of different devices are applied side by side, not one after another on the MQTT
     * client's callback thread: while Redis holds every command, one status per worker waits in the
     * registry's update at once, and once Redis answers each of them is in the registry. (Each
     * device's statuses stay in order on its worker: the low-battery test below fails without that.)
     */
    @Test
    void whileOneStatusWaitsOnRedisOtherDevicesStatusesAreAppliedBesideIt() throws Exception {
        EmbeddedRedis own = redisOfItsOwn();
        int workers = 3;
        settings.put("mstore.devices.workers", String.valueOf(workers));
        // one device for each worker
        Map<Integer, String> deviceOfWorker = new java.util.TreeMap<>();
        for (int i = 0; deviceOfWorker.size() < workers; i++) {
            String id = "POS-PAUSE-" + run + "-" + i;
            deviceOfWorker.putIfAbsent(OrderedWorkers.workerFor("devices/" + id + "/status", workers), id);
        }
        try (own; RunningHub hub = RunningHub.startWith(settings); Jedis slow = new Jedis("localhost", own.port())) {
            applyAFirstStatus(hub, "POS-PAUSE-");
            // well inside the hub's 5 s Redis command timeout: a wait, not a failure
            slow.clientPause(3000);
            deviceOfWorker.values().forEach(id -> publishStatus(id, true, 42, Instant.parse("2026-11-28T10:00:00Z")));
            await().atMost(PATIENCE).until(() -> Threads.inside(DeviceRegistry.class, "apply") == workers);
            for (String id : deviceOfWorker.values()) {
                assertThat(awaitDevice(hub, id).get("batteryLevel").asInt()).isEqualTo(42);
            }
            assertThat(hub.redeliveries()).as("Redis was slow, never failing").isZero();
        }
    }

    /**
     * A status is acknowledged to the broker once it was applied (or dead-lettered), not when a
     * worker takes it: while Redis holds every command, the session takes no more statuses than its
     * receive maximum, and the rest stay with the broker, as they would for the next instance if
     * this one died. Paho acknowledges by itself when its callback returns unless told not to.
     */
    @Test
    void whileRedisHoldsTheRegistryTheSessionTakesNoMoreThanItsReceiveMaximum() throws Exception {
        EmbeddedRedis own = redisOfItsOwn();
        int receiveMaximum = 5;
        settings.put("mstore.devices.receive-maximum", String.valueOf(receiveMaximum));
        List<String> devices = java.util.stream.IntStream.range(0, 4 * receiveMaximum)
                .mapToObj(i -> "POS-HELD-" + run + "-" + i).toList();
        try (own; RunningHub hub = RunningHub.startWith(settings); Jedis slow = new Jedis("localhost", own.port())) {
            applyAFirstStatus(hub, "POS-HELD-");
            // well inside the hub's 5 s Redis command timeout: a wait, not a failure
            slow.clientPause(4000);
            devices.forEach(id -> publishStatus(id, true, 42, Instant.parse("2026-11-28T10:00:00Z")));
            await().atMost(PATIENCE).until(() -> statusesInFlight(hub) == receiveMaximum);
            // what is acknowledged early lets the broker send the next: all of them, at once
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> statusesInFlight(hub) <= receiveMaximum);
            for (String id : devices) {
                assertThat(awaitDevice(hub, id).get("batteryLevel").asInt()).isEqualTo(42);
            }
        }
    }

    /** A Redis server for the hub of this test alone, which the test may hold with CLIENT PAUSE. */
    private EmbeddedRedis redisOfItsOwn() {
        int port = Ports.free();
        EmbeddedRedis own = EmbeddedRedis.start(port);
        settings.put("mstore.redis.port", String.valueOf(port));
        return own;
    }

    /** One status through the whole flow, so the hub's Redis connection is in use before a test holds Redis. */
    private void applyAFirstStatus(RunningHub hub, String devicePrefix) throws Exception {
        String first = devicePrefix + run + "-warm";
        publishStatus(first, true, 50, Instant.parse("2026-11-28T10:00:00Z"));
        awaitDevice(hub, first);
    }

    private static int statusesInFlight(RunningHub hub) {
        return hub.context().getInflightRepository().size("device-status");
    }

    /**
     * How a broker spreads a shared subscription is its own policy: mosquitto alternates, HiveMQ CE
     * keeps a burst on one member while it keeps up. A burst goes to the group and each status is
     * processed once; if one instance took all of it, it leaves the group (a clean stop, its session
     * ended) and the next statuses must reach the other one.
     */
    @Test
    void twoHubsInTheSharedGroupEachGetPartOfTheTrafficAndTogetherAllOfIt() throws Exception {
        Map<String, String> secondSettings = new HashMap<>(settings);
        secondSettings.put("mstore.instance-id", "b-" + run);
        int burst = 100;
        int total = burst;
        try (RunningHub first = RunningHub.startWith(settings);
             RunningHub second = RunningHub.startWith(secondSettings)) {
            publishShared(0, burst);
            await().atMost(PATIENCE).until(() -> processed(first, second) >= burst);
            if (first.completed("device-status") == 0 || second.completed("device-status") == 0) {
                RunningHub busy = first.completed("device-status") > 0 ? first : second;
                busy.context().getRouteController().stopRoute("device-status");
                total += 20;
                publishShared(burst, total);
                int expected = total;
                await().atMost(PATIENCE).until(() -> processed(first, second) >= expected);
            }
            assertThat(first.completed("device-status")).isPositive();
            assertThat(second.completed("device-status")).isPositive();
            assertThat(processed(first, second)).isEqualTo(total);
            for (int i = 0; i < total; i++) {
                assertThat(redis.exists("mstore:device:POS-SHARE-" + run + "-" + i)).isTrue();
            }
        }
    }

    private static long processed(RunningHub first, RunningHub second) {
        return first.completed("device-status") + second.completed("device-status");
    }

    private void publishShared(int from, int to) {
        for (int i = from; i < to; i++) {
            publishStatus("POS-SHARE-" + run + "-" + i, true, 60, Instant.now());
        }
    }

    /**
     * A hub that runs alone and keeps its session when it stops (mstore.devices.leave-on-stop false):
     * statuses published while it is away wait in its persistent session, and every one reaches the
     * registry when it is back. The broker sends them the moment it accepts
     * the connection, before camel-paho-mqtt5's consumer would have set its callback (Paho then
     * acknowledges and drops them).
     */
    @Test
    void statusesPublishedWhileTheHubIsAwayAllArriveWhenItIsBack() throws Exception {
        settings.put("mstore.instance-id", "away-" + run);
        settings.put("mstore.devices.leave-on-stop", "false");
        int backlog = 300;
        try (RunningHub hub = RunningHub.startWith(settings)) {
            publishStatus("POS-AWAY-" + run + "-probe", true, 50, Instant.now());
            awaitDevice(hub, "POS-AWAY-" + run + "-probe");
        }
        for (int i = 0; i < backlog; i++) {
            publishStatus("POS-AWAY-" + run + "-" + i, true, 40, Instant.now());
        }
        try (RunningHub hub = RunningHub.startWith(settings)) {
            // the backlog arrives as the route starts, before the hub's completion counter exists
            await().atMost(PATIENCE).until(() -> redis.keys("mstore:device:POS-AWAY-" + run + "-*").size() >= backlog + 1);
            for (int i = 0; i < backlog; i++) {
                assertThat(redis.exists("mstore:device:POS-AWAY-" + run + "-" + i)).as("device " + i).isTrue();
            }
        } finally {
            MqttTestClient.endSession(settings.get("mstore.mqtt.server-uri"), "mstore-hub-away-" + run);
        }
    }

    /**
     * Anyone who may publish on MQTT could fill Redis with made-up device ids: beyond the cap of new
     * ids per window, a new device is refused (too-many-new-devices), while known devices go on.
     */
    @Test
    void newDeviceIdsBeyondTheCapAreRefusedAndKnownOnesGoOn() throws Exception {
        settings.put("mstore.devices.max-new-per-window", "5");
        // a window length of this run's own: the counter is shared by every hub on this Redis
        settings.put("mstore.devices.new-window", String.valueOf(3_600_000 + (long) (Math.random() * 1_000_000)));
        eightNewDevicesGiveFiveRegisteredAndThreeRefused("POS-NEW-" + run + "-", "too-many-new-devices");
    }

    /**
     * However slowly made-up ids arrive, the registry holds at most mstore.devices.max-devices
     * devices heard from within the retention: a new one beyond is refused (registry-full), while
     * known devices go on.
     */
    @Test
    void newDevicesBeyondTheRegistrysTotalAreRefusedAndKnownOnesGoOn() throws Exception {
        // a retention no device of an earlier run outlives, so the registered count holds still
        settings.put("mstore.devices.retention", "3650d");
        settings.put("mstore.devices.new-window", String.valueOf(3_600_000 + (long) (Math.random() * 1_000_000)));
        settings.put("mstore.devices.max-devices", String.valueOf(redis.zcard("mstore:devices:registered") + 5));
        String prefix = "POS-FULL-" + run + "-";
        try {
            eightNewDevicesGiveFiveRegisteredAndThreeRefused(prefix, "registry-full");
        } finally {
            for (int i = 0; i < 8; i++) {
                redis.del("mstore:device:" + prefix + i);
                redis.zrem("mstore:devices:registered", prefix + i);
                redis.zrem("mstore:devices:last-seen", prefix + i);
            }
        }
    }

    /** Eight new devices against a bound that admits five: three refused for the reason, and a known one still applied. */
    private void eightNewDevicesGiveFiveRegisteredAndThreeRefused(String prefix, String reason) throws Exception {
        device.subscribe(deadLetterTopic);
        try (RunningHub hub = RunningHub.startWith(settings)) {
            for (int i = 0; i < 8; i++) {
                publishStatus(prefix + i, true, 50, Instant.now());
            }
            await().atMost(PATIENCE).until(() -> device.received().size() == 3);
            assertThat(redis.keys("mstore:device:" + prefix + "*")).hasSize(5);
            assertThat(device.received()).allSatisfy(dead -> assertThat(dead.userProperty("mstore-error-reason")).isEqualTo(reason));
            // a device the registry knows is no new id (which five got in is the workers' race)
            String known = redis.keys("mstore:device:" + prefix + "*").iterator().next().substring("mstore:device:".length());
            publishStatus(known, true, 7, Instant.now());
            await().atMost(PATIENCE).until(() -> "7".equals(redis.hget("mstore:device:" + known, "batteryLevel")));
            assertThat(device.received()).hasSize(3);
        }
    }

    /**
     * The registry stays bounded: a device marked offline leaves the sweep's index (a sweep reads
     * only devices that went silent since the last one), and one not heard from for the retention
     * leaves the registry.
     */
    @Test
    void aSilentDeviceLeavesTheSweepsIndexAndExpiresAfterTheRetention() throws Exception {
        settings.put("mstore.devices.offline-after", "1s");
        settings.put("mstore.devices.sweep-interval-ms", "200");
        settings.put("mstore.devices.retention", "4s");
        String id = "POS-GONE-" + run;
        try (RunningHub hub = RunningHub.startWith(settings)) {
            publishStatus(id, true, 70, Instant.now());
            awaitDevice(hub, id);
            assertThat(redis.zscore("mstore:devices:last-seen", id)).isNotNull();
            assertThat(redis.pttl("mstore:device:" + id)).isBetween(1L, 4000L);
            await().atMost(PATIENCE).until(() -> "false".equals(redis.hget("mstore:device:" + id, "online")));
            assertThat(redis.zscore("mstore:devices:last-seen", id)).isNull();
            await().atMost(PATIENCE).until(() -> !redis.exists("mstore:device:" + id));
            assertThat(hub.get("/api/devices/" + id).statusCode()).isEqualTo(404);
        }
    }

    /** Statuses are logged at DEBUG one by one, and counted in the periodic INFO summary. */
    @Test
    void theFlowSummaryCountsTheStatusesHandled() throws Exception {
        settings.put("mstore.logging.summary-interval-ms", "500");
        var logs = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        logs.list = new java.util.concurrent.CopyOnWriteArrayList<>();
        logs.start();
        var summary = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("com.mstore.hub.flows");
        summary.addAppender(logs);
        try (RunningHub hub = RunningHub.startWith(settings)) {
            for (int i = 0; i < 3; i++) {
                publishStatus("POS-SUM-" + run + "-" + i, true, 60, Instant.now());
            }
            for (int i = 0; i < 3; i++) {
                awaitDevice(hub, "POS-SUM-" + run + "-" + i);
            }
            await().atMost(PATIENCE).until(() -> logs.list.stream().mapToLong(event -> deviceStatusesIn(event.getFormattedMessage()))
                    .sum() >= 3);
            assertThat(logs.list).allMatch(event -> event.getFormattedMessage().startsWith("Last 500 ms: "));
        } finally {
            summary.detachAppender(logs);
        }
    }

    /** "device-status 3 done" in a summary line, as a number. */
    private static long deviceStatusesIn(String line) {
        var matcher = java.util.regex.Pattern.compile("device-status (\\d+) done").matcher(line);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    @Test
    void aDeviceThatGoesSilentIsMarkedOffline() throws Exception {
        settings.put("mstore.devices.offline-after", "2s");
        settings.put("mstore.devices.sweep-interval-ms", "200");
        String id = "POS-SILENT-" + run;
        try (RunningHub hub = RunningHub.startWith(settings)) {
            publishStatus(id, true, 70, Instant.now());
            assertThat(awaitDevice(hub, id).get("online").asBoolean()).isTrue();
            await().atMost(PATIENCE).until(() -> !JSON.readTree(hub.get("/api/devices/" + id).body()).get("online").asBoolean());
        }
    }

    @Test
    void aLastWillWithoutLastSeenMarksTheDeviceOffline() throws Exception {
        String id = "POS-WILL-" + run;
        try (RunningHub hub = RunningHub.startWith(settings)) {
            publishStatus(id, true, 70, Instant.now().minusSeconds(5));
            awaitDevice(hub, id);
            device.publish("devices/" + id + "/status", "{\"deviceId\": \"%s\", \"online\": false}".formatted(id));
            await().atMost(PATIENCE).until(() -> !JSON.readTree(hub.get("/api/devices/" + id).body()).get("online").asBoolean());
        }
    }

    /**
     * A last will that waited (in a restarting instance's session, say) while its device came back
     * on a new connection: it names its session (connectedAt), older than the one the registry
     * holds, and is ignored; the current session's will marks the device offline.
     */
    @Test
    void aLastWillFromAnOlderSessionDoesNotTakeTheDeviceOffline() throws Exception {
        String id = "POS-SESSION-" + run;
        Instant firstSession = Instant.now().minusSeconds(60);
        Instant secondSession = Instant.now().minusSeconds(10);
        try (RunningHub hub = RunningHub.startWith(settings)) {
            device.publish("devices/" + id + "/status", """
                    {"deviceId": "%s", "online": true, "lastSeen": "%s", "connectedAt": "%s"}"""
                    .formatted(id, Instant.now().minusSeconds(5), secondSession));
            assertThat(awaitDevice(hub, id).get("online").asBoolean()).isTrue();
            device.publish("devices/" + id + "/status", """
                    {"deviceId": "%s", "online": false, "connectedAt": "%s"}""".formatted(id, firstSession));
            // statuses are handled in order: once this one is in, the stale will has been handled
            publishStatus("POS-SESSION-MARK-" + run, true, 50, Instant.now());
            awaitDevice(hub, "POS-SESSION-MARK-" + run);
            assertThat(JSON.readTree(hub.get("/api/devices/" + id).body()).get("online").asBoolean()).isTrue();

            device.publish("devices/" + id + "/status", """
                    {"deviceId": "%s", "online": false, "connectedAt": "%s"}""".formatted(id, secondSession));
            await().atMost(PATIENCE).until(() -> !JSON.readTree(hub.get("/api/devices/" + id).body()).get("online").asBoolean());
        }
    }

    @Test
    void aBatteryDroppingBelowTheThresholdGivesExactlyOneNotificationToTheBranchsUsers() throws Exception {
        String id = "POS-BATT-" + run;
        long branch = 700_000 + (long) (Math.random() * 90_000);
        long user = branch + 5;
        redis.sadd("mstore:branch:" + branch + ":users", String.valueOf(user));
        try (RunningHub hub = RunningHub.startWith(settings);
             RedisSubscriber notifications = new RedisSubscriber(settings.get("mstore.redis.host"),
                     Integer.parseInt(settings.get("mstore.redis.port")), "user:" + user + ":notifications")) {
            Instant t = Instant.parse("2026-11-28T10:00:00Z");
            device.publish("devices/" + id + "/status", """
                    {"deviceId": "%s", "online": true, "batteryLevel": 20, "lastSeen": "%s", "branchId": %d}""".formatted(id, t, branch));
            for (int level : new int[] {14, 12, 9, 5}) {
                t = t.plusSeconds(60);
                publishStatus(id, true, level, t);
            }
            await().atMost(PATIENCE).until(() -> awaitDevice(hub, id).get("batteryLevel").asInt() == 5);
            await().atMost(PATIENCE).until(() -> notifications.messages().size() >= 1);
            // back above the threshold and down again: a new episode, a new notification
            publishStatus(id, true, 60, t.plusSeconds(60));
            publishStatus(id, true, 4, t.plusSeconds(120));
            await().atMost(PATIENCE).until(() -> notifications.messages().size() >= 2);
            assertThat(notifications.messages()).hasSize(2);
            JsonNode first = JSON.readTree(notifications.messages().get(0));
            assertThat(first.get("userId").asLong()).isEqualTo(user);
            assertThat(first.get("message").asText()).contains(id).contains("14%");
        } finally {
            redis.del("mstore:branch:" + branch + ":users");
        }
    }

    @Test
    void eachKindOfBadPayloadIsRejectedCountedAndDeadLetteredWhileGoodOnesFlow() throws Exception {
        String id = "POS-BAD-" + run;
        Map<String, String[]> bad = new java.util.LinkedHashMap<>();
        bad.put("mismatch", new String[] {"devices/" + id + "/status", "{\"deviceId\": \"OTHER\", \"online\": true}", "device-mismatch"});
        bad.put("battery", new String[] {"devices/" + id + "/status", "{\"deviceId\": \"%s\", \"online\": true, \"batteryLevel\": 150}".formatted(id), "invalid-payload"});
        bad.put("json", new String[] {"devices/" + id + "/status", "{\"deviceId\": ", "not-json"});
        bad.put("timestamp", new String[] {"devices/" + id + "/status", "{\"deviceId\": \"%s\", \"online\": true, \"lastSeen\": \"yesterday\"}".formatted(id), "invalid-payload"});
        bad.put("online", new String[] {"devices/" + id + "/status", "{\"deviceId\": \"%s\", \"online\": \"yes\"}".formatted(id), "invalid-payload"});
        device.subscribe(deadLetterTopic);
        try (RunningHub hub = RunningHub.startWith(settings)) {
            for (String[] message : bad.values()) {
                device.publish(message[0], message[1]);
            }
            publishStatus(id, true, 42, Instant.now());
            assertThat(awaitDevice(hub, id).get("batteryLevel").asInt()).isEqualTo(42);
            await().atMost(PATIENCE).until(() -> device.received().size() == bad.size());
            for (String[] message : bad.values()) {
                var dead = device.received().stream().filter(r -> r.payload().equals(message[1])).findFirst().orElseThrow();
                assertThat(dead.userProperty("mstore-error-reason")).as(message[1]).isEqualTo(message[2]);
                assertThat(dead.userProperty("mstore-error-message")).isNotBlank();
                assertThat(dead.userProperty("mstore-source-topic")).isEqualTo(message[0]);
            }
            assertThat(hub.metric("mstore_dead_letters_total", "route=\"device-status\"")).isEqualTo(bad.size());
        }
    }

    /**
     * A status whose dead letter cannot be published either (here: a dead-letter topic no client may
     * publish to) stays unacknowledged, and MQTT has no way to refuse it: it would hold one of the
     * session's receive-maximum slots until the session reconnects, and enough of them stop the
     * flow. The hub reconnects the session so that the broker sends it again, and readiness says the
     * flow holds failed statuses meanwhile.
     */
    @Test
    void aStatusWhoseDeadLetterFailsIsSentAgainAfterAReconnectAndReadinessShowsIt() throws Exception {
        settings.put("mstore.devices.dlq-topic", "devices/dlq-" + run + "/+");
        settings.put("mstore.devices.receive-maximum", "2");
        try (RunningHub hub = RunningHub.startWith(settings)) {
            await().atMost(PATIENCE).until(() -> hub.get("/observe/health/ready").statusCode() == 200);
            device.publish("devices/POS-DLF-" + run + "-1/status", "not json");
            device.publish("devices/POS-DLF-" + run + "-2/status", "not json");
            await().atMost(PATIENCE).untilAsserted(() -> {
                HttpResponse<String> ready = hub.get("/observe/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                JsonNode session = find(JSON.readTree(ready.body()).get("checks"), "devices-session");
                assertThat(session.get("status").asText()).as(ready.body()).isEqualTo("DOWN");
            });
            // each failed attempt is a failed exchange: more than two, the broker sent them again
            await().atMost(PATIENCE).until(() -> hub.failed("device-status") >= 6);
        }
    }

    private static JsonNode find(JsonNode checks, String name) {
        for (JsonNode check : checks) {
            if (name.equals(check.get("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + checks);
    }

    @Test
    void aCommandReachesAPlainMqttClientSubscribedToTheDevicesTopic() throws Exception {
        String id = "POS-CMD-" + run;
        device.subscribe("devices/" + id + "/events");
        try (RunningHub hub = RunningHub.startWith(settings)) {
            HttpResponse<String> response = hub.post("/api/devices/" + id + "/commands", "{\"command\": \"reboot\"}");
            assertThat(response.statusCode()).isEqualTo(202);
            await().atMost(PATIENCE).until(() -> !device.received().isEmpty());
            assertThat(device.received().get(0).topic()).isEqualTo("devices/" + id + "/events");
            assertThat(JSON.readTree(device.received().get(0).payload()).get("command").asText()).isEqualTo("reboot");
        }
    }

    private void publishStatus(String deviceId, boolean online, int battery, Instant lastSeen) {
        device.publish("devices/" + deviceId + "/status", """
                {"DeviceID": "%s", "Online": %s, "BatteryLevel": %d, "LastSeen": "%s"}""".formatted(deviceId, online, battery, lastSeen));
    }

    private JsonNode awaitDevice(RunningHub hub, String deviceId) throws Exception {
        await().atMost(PATIENCE).until(() -> hub.get("/api/devices/" + deviceId).statusCode() == 200);
        return JSON.readTree(hub.get("/api/devices/" + deviceId).body());
    }
}
