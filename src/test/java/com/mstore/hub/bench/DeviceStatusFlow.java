package com.mstore.hub.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.redis.RedisScripts;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/** Flow 4: POS device statuses over MQTT 5 (QoS 1) kept in the device registry in Redis. */
final class DeviceStatusFlow implements Flow {

    /** The plain Paho subscriber that only receives: a reference, not the flow's limit. */
    static final String PLAIN = "raw-plain";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long the baseline's registry entries live: they are the benchmark's, not a fleet's. */
    private static final long BASELINE_RETENTION_MS = 600_000;
    /** Statuses unacknowledged at once, the same for the hub (mstore.devices.receive-maximum) and the baseline. */
    private static final int RECEIVE_MAXIMUM = 10;
    private static final int LOW_BATTERY = 15;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeviceStatusFlow.class);

    /** QoS 1 publishes awaiting their PUBACK at once (below the brokers' receive maximum). */
    private static final int PUBLISH_WINDOW = 10;
    /**
     * Statuses sent and not yet done: a broker queues at most so many for a slow session (Mosquitto's
     * max_queued_messages is 1000) and drops the rest, so a sender that outruns the consumer loses
     * messages at the broker, whoever consumes.
     */
    private static final int MAX_OUTSTANDING = 500;

    private final String run;
    private final String serverUri;
    private final String redisUri;
    private final MqttAsyncClient devices;

    DeviceStatusFlow(Map<String, String> settings, String run) throws Exception {
        this.run = run;
        this.serverUri = settings.get("mstore.mqtt.server-uri");
        this.redisUri = "redis://" + settings.get("mstore.redis.host") + ":" + settings.get("mstore.redis.port");

        devices = new MqttAsyncClient(serverUri, "bench-devices-" + run, new MemoryPersistence());
        devices.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
    }

    private String topic(boolean hub, String deviceId) {
        return (hub ? "devices/" : "benchraw" + run + "/") + deviceId + "/status";
    }

    @Override
    public String name() {
        return "device status (MQTT 5, QoS 1)";
    }

    @Override
    public Map<String, String> baselines() {
        Map<String, String> baselines = new LinkedHashMap<>();
        baselines.put(RAW, "Paho subscriber at QoS 1 with the hub's receive maximum, each status applied to the registry "
                + "in Redis by the hub's own script (update-device.lua) through Lettuce's asynchronous API, pipelined on one "
                + "connection (a device's statuses in order), and acknowledged once applied; leaves out the size limit, "
                + "strict JSON parsing, the schema check and the topic/payload check");
        baselines.put(PLAIN, "Paho subscriber at QoS 1 receiving each status, no JSON and no Redis: a reference, not the flow's limit");
        return baselines;
    }

    @Override
    public Map<String, String> hubSettings() {
        // every status of a pass names a device never seen before: far more new ids a minute than a
        // fleet registers, so the registry's cap on new ids would refuse most of them
        return Map.of("mstore.devices.share-group", "bench-" + run, "mstore.devices.max-new-per-window", "100000000",
                "mstore.devices.receive-maximum", String.valueOf(RECEIVE_MAXIMUM), "mstore.devices.low-battery", String.valueOf(LOW_BATTERY));
    }

    @Override
    public String hubRoute() {
        return "device-status";
    }

    @Override
    public AutoCloseable startBaseline(String baseline, Recorder recorder) throws Exception {
        return PLAIN.equals(baseline) ? startPlainSubscriber(recorder) : startRegistryWriter(recorder);
    }

    private AutoCloseable startPlainSubscriber(Recorder recorder) throws Exception {
        MqttClient subscriber = new MqttClient(serverUri, "bench-registry-" + run, new MemoryPersistence());
        subscriber.connect(new MqttConnectionOptions());
        subscriber.subscribe(new MqttSubscription[] {new MqttSubscription(baselineTopics(), 1)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) -> recorder.done(recorder.marker().find(topic))});
        return () -> {
            subscriber.disconnect();
            subscriber.close();
        };
    }

    /**
     * The flow done by hand: the same registry update (script and arguments as DeviceRegistry.apply)
     * for each status, the status acknowledged after Redis answered, at most receive-maximum unacknowledged.
     */
    private AutoCloseable startRegistryWriter(Recorder recorder) throws Exception {
        RedisClient redis = RedisClient.create(redisUri);
        StatefulRedisConnection<String, String> connection = redis.connect();
        RedisAsyncCommands<String, String> commands = connection.async();
        String script = RedisScripts.load("update-device", java.util.List.class).getScriptAsString();
        String sha = connection.sync().scriptLoad(script);
        String prefix = "benchraw:" + run + ":";
        MqttClient subscriber = new MqttClient(serverUri, "bench-registry-" + run, new MemoryPersistence());
        subscriber.setManualAcks(true);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setReceiveMaximum(RECEIVE_MAXIMUM);
        subscriber.connect(options);
        subscriber.subscribe(new MqttSubscription[] {new MqttSubscription(baselineTopics(), 1)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) -> {
                    JsonNode status = JSON.readTree(message.getPayload());
                    String deviceId = status.get("deviceId").asText();
                    String lastSeen = status.get("lastSeen").asText();
                    long lastSeenMillis = com.ethlo.time.ITU.parseDateTime(lastSeen).toInstant().toEpochMilli();
                    long now = System.currentTimeMillis();
                    commands.evalsha(sha, ScriptOutputType.MULTI,
                                    new String[] {prefix + "device:" + deviceId, prefix + "last-seen", prefix + "new", prefix + "registered"},
                                    deviceId, status.get("online").asText(), status.get("batteryLevel").asText(), lastSeen,
                                    String.valueOf(lastSeenMillis), Instant.ofEpochMilli(now).toString(), String.valueOf(LOW_BATTERY),
                                    status.get("branchId").asText(), String.valueOf(BASELINE_RETENTION_MS), "100000000", "60000", "", "1",
                                    String.valueOf(now), "100000000")
                            .whenComplete((applied, failed) -> {
                                if (failed != null) {
                                    // left unacknowledged: the pass then waits in vain, and says so
                                    LOG.warn("registry update of {} failed: {}", deviceId, failed.toString());
                                    return;
                                }
                                try {
                                    subscriber.messageArrivedComplete(message.getId(), message.getQos());
                                    recorder.done(recorder.marker().find(topic));
                                } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
                }});
        return () -> {
            subscriber.disconnect();
            subscriber.close();
            connection.sync().del(prefix + "last-seen", prefix + "new");
            connection.close();
            redis.shutdown();
        };
    }

    private String baselineTopics() {
        return "benchraw" + run + "/+/status";
    }

    @Override
    public void send(Recorder recorder, String side, int perSecond) throws Exception {
        boolean toHub = HUB.equals(side);
        Pace pace = new Pace(perSecond);
        ArrayDeque<IMqttToken> inFlight = new ArrayDeque<>();
        for (int i = 0; i < recorder.messages(); i++) {
            pace.before(i);
            String deviceId = "POS-" + recorder.marker().of(i);
            MqttMessage status = new MqttMessage(("{\"deviceId\": \"%s\", \"online\": true, \"batteryLevel\": 80, "
                    + "\"lastSeen\": \"%s\", \"branchId\": 1}").formatted(deviceId, Instant.now()).getBytes(StandardCharsets.UTF_8));
            status.setQos(1);
            long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
            while (recorder.outstanding(i) >= MAX_OUTSTANDING && System.nanoTime() < giveUp) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
            if (inFlight.size() >= PUBLISH_WINDOW) {
                inFlight.removeFirst().waitForCompletion(10_000);
            }
            recorder.sent(i);
            while (true) {
                try {
                    inFlight.addLast(devices.publish(topic(toHub, deviceId), status));
                    break;
                } catch (org.eclipse.paho.mqttv5.common.MqttException full) {
                    // Paho frees a slot a moment after the PUBACK completes its token (paho.mqtt.java#551)
                    if (full.getReasonCode() != org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                        throw full;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
            }
        }
        while (!inFlight.isEmpty()) {
            inFlight.removeFirst().waitForCompletion(10_000);
        }
    }

    @Override
    public void close() throws Exception {
        devices.disconnect().waitForCompletion(5_000);
        devices.close();
    }
}
