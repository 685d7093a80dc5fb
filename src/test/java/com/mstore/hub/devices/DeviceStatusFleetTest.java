package com.mstore.hub.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.mstore.hub.testing.HubProcess;
import com.mstore.hub.testing.MqttTestClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * Hubs share the device statuses through an MQTT 5 shared subscription. A hub that stops leaves the
 * group first, so the rest get every status at once; one that crashes stays in the group until its
 * session expires (mstore.devices.session-expiry-seconds), and after that the rest get everything.
 */
class DeviceStatusFleetTest {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceStatusFleetTest.class);
    private static final Duration SECONDS = Duration.ofSeconds(15);
    private static final int EXPIRY_SECONDS = 5;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> settings = TestBrokers.hubSettings();
    private int published;

    @Test
    void afterOneHubStopsAndAnotherIsKilledTheLastOneGetsEveryStatus() throws Exception {
        settings.put("mstore.devices.share-group", "fleet-" + run);
        settings.put("mstore.devices.session-expiry-seconds", String.valueOf(EXPIRY_SECONDS));
        settings.put("mstore.emails.worker-enabled", "false");
        Path killedLog = Files.createTempFile("fleet-killed-", ".log");
        Map<String, String> killedSettings = new java.util.HashMap<>(settings);
        killedSettings.put("mstore.instance-id", "killed-" + run);
        try (MqttTestClient devices = new MqttTestClient(settings.get("mstore.mqtt.server-uri"));
             Jedis redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")));
             RunningHub stays = RunningHub.startWith(settings)) {
            RunningHub stops = RunningHub.startWith(settings);
            Process killed = HubProcess.startHubApplication(killedSettings, Map.of(), killedLog);
            try {
                // three members: every status is registered by one of them
                awaitRegistered(redis, publish(devices, 20), SECONDS);

                stops.close();
                awaitRegistered(redis, publish(devices, 20), SECONDS);

                killed.destroyForcibly();
                assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
                Instant died = Instant.now();
                // until its session expires the broker queues the killed hub's share for it; after
                // that, a round of statuses is registered whole
                AtomicReference<List<String>> round = new AtomicReference<>(publish(devices, 10));
                await().atMost(Duration.ofSeconds(EXPIRY_SECONDS + 30)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                    if (registered(redis, round.get()) == round.get().size()) {
                        return true;
                    }
                    round.set(publish(devices, 10));
                    return false;
                });
                Duration lost = Duration.between(died, Instant.now());
                LOG.info("Statuses reached the live hub whole again {} ms after the kill (session expiry {} s)", lost.toMillis(), EXPIRY_SECONDS);
                assertThat(lost).isLessThan(Duration.ofSeconds(EXPIRY_SECONDS + 15));
                awaitRegistered(redis, publish(devices, 20), SECONDS);
            } finally {
                killed.destroyForcibly();
                stops.close();
                MqttTestClient.endSession(settings.get("mstore.mqtt.server-uri"), "mstore-hub-killed-" + run);
            }
        }
    }

    /** New devices, one status each; returns their ids. */
    private List<String> publish(MqttTestClient devices, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "POS-FLEET-" + run + "-" + published++;
            devices.publish("devices/" + id + "/status", "{\"deviceId\": \"" + id + "\", \"online\": true, \"batteryLevel\": 70, \"lastSeen\": \""
                    + Instant.now() + "\"}");
            ids.add(id);
        }
        return ids;
    }

    private static long registered(Jedis redis, List<String> ids) {
        return ids.stream().filter(id -> redis.exists("mstore:device:" + id)).count();
    }

    private static void awaitRegistered(Jedis redis, List<String> ids, Duration within) {
        await().atMost(within).until(() -> registered(redis, ids) == ids.size());
    }
}
