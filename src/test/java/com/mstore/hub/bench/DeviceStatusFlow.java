package com.mstore.hub.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/** Flow 4: POS device statuses over MQTT 5 (QoS 1) kept in the device registry in Redis. */
final class DeviceStatusFlow implements Flow {

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
    private final MqttAsyncClient devices;

    DeviceStatusFlow(Map<String, String> settings, String run) throws Exception {
        this.run = run;
        this.serverUri = settings.get("mstore.mqtt.server-uri");
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
        return Map.of(RAW, "Paho subscriber at QoS 1 receiving each status; leaves out JSON validation, "
                + "the topic/payload check and the registry write to Redis (newest status wins)");
    }

    @Override
    public Map<String, String> hubSettings() {
        // every status of a pass names a device never seen before: far more new ids a minute than a
        // fleet registers, so the registry's cap on new ids would refuse most of them
        return Map.of("mstore.devices.share-group", "bench-" + run, "mstore.devices.max-new-per-window", "100000000");
    }

    @Override
    public String hubRoute() {
        return "device-status";
    }

    @Override
    public AutoCloseable startBaseline(String baseline, Recorder recorder) throws Exception {
        MqttClient subscriber = new MqttClient(serverUri, "bench-registry-" + run, new MemoryPersistence());
        subscriber.connect(new MqttConnectionOptions());
        subscriber.subscribe(new MqttSubscription[] {new MqttSubscription("benchraw" + run + "/+/status", 1)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) -> recorder.done(recorder.marker().find(topic))});
        return () -> {
            subscriber.disconnect();
            subscriber.close();
        };
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
