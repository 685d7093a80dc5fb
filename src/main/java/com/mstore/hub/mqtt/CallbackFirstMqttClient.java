package com.mstore.hub.mqtt;

import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT client for a persistent session that connects only once it has somewhere to deliver.
 *
 * <p>A broker sends what it kept for a session (statuses published while no hub ran, say during a
 * rollout) right after it accepts the connection. camel-paho-mqtt5 (4.17) connects its own client
 * first and sets its callback after, and Paho acknowledges a message that arrives with no callback
 * and drops it: the backlog a persistent session exists for was lost, often all of it. Given this
 * client (the endpoint's {@code client} option), the consumer skips its own connect, and the
 * connection is opened when the consumer sets its callback. The consumer leaves a client it was
 * given connected when it stops; {@link #pause} (called by the route's policy) disconnects, so a
 * stopped route receives nothing and the session keeps what arrives meanwhile.
 */
public class CallbackFirstMqttClient extends MqttClient {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackFirstMqttClient.class);

    private final MqttConnectionOptions options;

    public CallbackFirstMqttClient(String serverUri, String clientId, MqttConnectionOptions options) throws MqttException {
        super(serverUri, clientId, new MemoryPersistence());
        this.options = options;
    }

    @Override
    public synchronized void setCallback(MqttCallback callback) {
        super.setCallback(callback);
        if (!isConnected()) {
            try {
                connect(options);
                LOG.info("MQTT session {} connected after its consumer was ready", getClientId());
            } catch (MqttException e) {
                throw new IllegalStateException("cannot connect MQTT session " + getClientId() + " to " + getServerURI()
                        + ": " + e.getMessage(), e);
            }
        }
    }

    /** Disconnects (the session and its subscriptions stay on the broker) until the next consumer starts. */
    public synchronized void pause() {
        if (isConnected()) {
            try {
                disconnect();
            } catch (MqttException e) {
                LOG.warn("MQTT session {} did not disconnect cleanly: {}", getClientId(), e.getMessage());
            }
        }
    }

    /** For the registry's destroy: disconnects and releases the client's threads. */
    public void shutdown() {
        pause();
        try {
            close();
        } catch (MqttException e) {
            LOG.debug("MQTT session {} close: {}", getClientId(), e.getMessage());
        }
    }
}
