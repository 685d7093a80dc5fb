package com.mstore.hub.mqtt;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT client for a persistent session that delivers nothing before its consumer is ready.
 *
 * <p>A broker sends what it kept for a session (statuses published while no hub ran, say during a
 * rollout) right after it accepts the connection. camel-paho-mqtt5 (4.17) connects its own client
 * first and sets its callback after, and Paho acknowledges a message that arrives with no callback
 * and drops it: the backlog a persistent session exists for was lost, often all of it. Given this
 * client (the endpoint's {@code client} option), the consumer skips its own connect. Paho's callback
 * here is a gate that holds what arrives until the consumer sets its callback; the client connects
 * then at the latest, or earlier ({@link #connectEarly}), since Paho takes about 300 ms to connect
 * whatever the broker (it sleeps 100 ms while each of its three threads starts,
 * eclipse-paho/paho.mqtt.java#945), which the hub's start need not wait for. The consumer leaves a
 * client it was given connected when it stops; {@link #pause} (called by the route's policy)
 * disconnects, so a stopped route receives nothing and the session keeps what arrives meanwhile.
 * Statuses are acknowledged by the route once processed (manual acknowledgements), so one held at
 * the gate is never lost: a session that closes before delivering it gets it again next time.
 */
public class CallbackFirstMqttClient extends MqttClient {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackFirstMqttClient.class);

    private final MqttConnectionOptions options;
    private final Gate gate = new Gate();
    private CompletableFuture<Void> connecting;
    private volatile boolean paused;

    public CallbackFirstMqttClient(String serverUri, String clientId, MqttConnectionOptions options) throws MqttException {
        super(serverUri, clientId, new MemoryPersistence());
        this.options = options;
        super.setCallback(gate);
    }

    /** Starts connecting on a thread of its own; what the broker sends waits for the consumer. */
    public synchronized void connectEarly() {
        if (connecting == null && !isConnected()) {
            connecting = CompletableFuture.runAsync(() -> {
                try {
                    connect(options);
                } catch (MqttException e) {
                    throw new CompletionException(e);
                }
            }, task -> new Thread(task, "mqtt-connect-" + getClientId()).start());
        }
    }

    @Override
    public synchronized void setCallback(MqttCallback callback) {
        paused = false;
        gate.deliverTo(callback);
        if (connecting != null) {
            try {
                connecting.join();
                LOG.info("MQTT session {} connected before its consumer was ready, delivering to it from now", getClientId());
            } catch (CompletionException early) {
                LOG.debug("MQTT session {} early connect failed: {}", getClientId(), early.getCause().getMessage());
            }
            connecting = null;
        }
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
        paused = true;
        if (connecting != null) {
            connecting.exceptionally(failed -> null).join();
            connecting = null;
        }
        if (isConnected()) {
            try {
                disconnect();
            } catch (MqttException e) {
                LOG.warn("MQTT session {} did not disconnect cleanly: {}", getClientId(), e.getMessage());
            }
        }
    }

    /** True while the route that reads the session is stopped: it is disconnected on purpose. */
    public boolean isPaused() {
        return paused;
    }

    /**
     * Disconnects and connects again (the session stays), unless the route is stopped meanwhile: the
     * broker then sends again every message the session holds unacknowledged. False when it could
     * not connect again: the caller tries later (Paho reconnects by itself only a lost connection).
     */
    public synchronized boolean reconnectForRedelivery() {
        if (paused) {
            return true; // the route's next start connects
        }
        try {
            if (isConnected()) {
                // a second for acknowledgements already on their way
                disconnect(1_000);
            }
            if (!isConnected()) {
                connect(options);
            }
            LOG.info("MQTT session {} reconnected: the broker sends what it holds unacknowledged again", getClientId());
            return true;
        } catch (MqttException e) {
            LOG.warn("MQTT session {} could not reconnect now: {}", getClientId(), e.getMessage());
            return false;
        }
    }

    /**
     * Leaves a subscription at once (the hub is stopping): the broker sends this session nothing more
     * on it, and gives the rest of a shared subscription's group everything. What the session holds
     * is still processed and acknowledged before {@link #end}.
     */
    public synchronized void unsubscribeFrom(String topicFilter) {
        if (isConnected()) {
            try {
                unsubscribe(topicFilter);
                LOG.info("MQTT session {} left {}", getClientId(), topicFilter);
            } catch (MqttException e) {
                LOG.warn("MQTT session {} could not leave {}: {}", getClientId(), topicFilter, e.getMessage());
            }
        }
    }

    /**
     * Ends the session on the broker (disconnects with a session expiry of 0): nothing is kept or
     * queued for it any more. A session that cannot be reached now expires as its settings say.
     */
    public synchronized void end() {
        if (connecting != null) {
            connecting.exceptionally(failed -> null).join();
            connecting = null;
        }
        if (isConnected()) {
            try {
                MqttProperties ended = new MqttProperties();
                ended.setSessionExpiryInterval(0L);
                aClient.disconnect(5_000, null, null, 0, ended).waitForCompletion(10_000);
                LOG.info("MQTT session {} ended", getClientId());
            } catch (MqttException e) {
                LOG.warn("MQTT session {} did not end cleanly, it expires as configured: {}", getClientId(), e.getMessage());
            }
        }
    }

    /** For the registry's destroy: disconnects (if the route's policy has not) and releases the client's threads. */
    public void shutdown() {
        gate.close();
        pause();
        try {
            close();
        } catch (MqttException e) {
            LOG.debug("MQTT session {} close: {}", getClientId(), e.getMessage());
        }
    }

    /**
     * Paho's callback: passes everything to the consumer's callback, and until there is one, holds
     * an arriving message on Paho's thread (the broker sends at most receive-maximum unacknowledged).
     */
    private static final class Gate implements MqttCallback {
        private volatile MqttCallback consumer;
        private volatile boolean closed;

        synchronized void deliverTo(MqttCallback callback) {
            consumer = callback;
            notifyAll();
        }

        synchronized void close() {
            closed = true;
            notifyAll();
        }

        private synchronized MqttCallback awaitConsumer() throws InterruptedException {
            while (consumer == null && !closed) {
                wait();
            }
            if (consumer == null) {
                // unacknowledged: the broker sends it again to the session's next connection
                throw new IllegalStateException("the MQTT session closed before its consumer was ready");
            }
            return consumer;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            awaitConsumer().messageArrived(topic, message);
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            forward(consumer -> consumer.disconnected(response));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            forward(consumer -> consumer.mqttErrorOccurred(exception));
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            forward(consumer -> consumer.deliveryComplete(token));
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            forward(consumer -> consumer.connectComplete(reconnect, serverURI));
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            forward(consumer -> consumer.authPacketArrived(reasonCode, properties));
        }

        /** Events other than messages before there is a consumer concern nobody: the consumer subscribes after. */
        private void forward(java.util.function.Consumer<MqttCallback> event) {
            MqttCallback target = consumer;
            if (target != null) {
                event.accept(target);
            }
        }
    }
}
