package com.mstore.hub.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/** A plain MQTT 5 client, as a POS device or another service uses the broker: no Camel in between. */
public final class MqttTestClient implements AutoCloseable {

    public record Received(String topic, byte[] bytes, MqttProperties properties) {
        public String payload() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public String userProperty(String name) {
            return properties.getUserProperties().stream().filter(p -> p.getKey().equals(name))
                    .map(p -> p.getValue()).findFirst().orElse(null);
        }
    }

    private final MqttAsyncClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public MqttTestClient(String serverUri) {
        try {
            client = new MqttAsyncClient(serverUri, "test-" + UUID.randomUUID(), new MemoryPersistence());
            client.setCallback(new MqttCallback() {
                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    received.add(new Received(topic, message.getPayload(), message.getProperties()));
                }

                @Override
                public void disconnected(MqttDisconnectResponse response) {
                }

                @Override
                public void mqttErrorOccurred(MqttException exception) {
                }

                @Override
                public void deliveryComplete(IMqttToken token) {
                }

                @Override
                public void connectComplete(boolean reconnect, String serverURI) {
                }

                @Override
                public void authPacketArrived(int reasonCode, MqttProperties properties) {
                }
            });
            client.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        } catch (MqttException e) {
            throw new IllegalStateException("cannot connect to " + serverUri, e);
        }
    }

    /**
     * Ends the persistent session a hub of this client id left on the broker (a hub told to keep
     * it, or killed): connects once with a clean start and no session expiry, so nothing more is
     * queued for it on a broker later tests share.
     */
    public static void endSession(String serverUri, String clientId) {
        try {
            MqttAsyncClient ending = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
            MqttConnectionOptions clean = new MqttConnectionOptions();
            clean.setCleanStart(true);
            clean.setSessionExpiryInterval(0L);
            ending.connect(clean).waitForCompletion(10_000);
            ending.disconnect().waitForCompletion(10_000);
            ending.close();
        } catch (MqttException e) {
            throw new IllegalStateException("cannot end the MQTT session " + clientId, e);
        }
    }

    public void subscribe(String topicFilter) {
        try {
            client.subscribe(topicFilter, 1).waitForCompletion(10_000);
        } catch (MqttException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes at QoS 1 and waits for the broker's acknowledgement. */
    public void publish(String topic, String payload) {
        publish(topic, payload, Map.of());
    }

    /** Publishes at QoS 1 with MQTT 5 user properties and waits for the broker's acknowledgement. */
    public void publish(String topic, String payload, Map<String, String> userProperties) {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8), userProperties);
    }

    /** Publishes these exact bytes at QoS 1 and waits for the broker's acknowledgement. */
    public void publish(String topic, byte[] payload, Map<String, String> userProperties) {
        try {
            MqttMessage message = new MqttMessage(payload);
            message.setQos(1);
            MqttProperties properties = new MqttProperties();
            properties.setUserProperties(userProperties.entrySet().stream()
                    .map(property -> new UserProperty(property.getKey(), property.getValue())).toList());
            message.setProperties(properties);
            long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (true) {
                try {
                    client.publish(topic, message).waitForCompletion(10_000);
                    return;
                } catch (MqttException e) {
                    // Paho completes a publish a moment before it frees its in-flight slot
                    // (eclipse-paho/paho.mqtt.java#551): back-to-back publishes can find none free
                    if (e.getReasonCode() != org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT
                            || System.nanoTime() > giveUp) {
                        throw e;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            }
        } catch (MqttException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Received> received() {
        return received;
    }

    @Override
    public void close() {
        try {
            client.disconnect().waitForCompletion(5_000);
            client.close();
        } catch (MqttException ignored) {
            // closing
        }
    }
}
