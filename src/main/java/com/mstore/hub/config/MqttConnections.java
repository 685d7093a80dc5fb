package com.mstore.hub.config;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import com.mstore.hub.mqtt.CallbackFirstMqttClient;
import com.mstore.hub.mqtt.MqttSessionPolicy;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;

/** The device status flow's own MQTT 5 session (mstore.mqtt.*, mstore.devices.*). */
@Configuration
public class MqttConnections implements CamelConfiguration {

    @PropertyInject("mstore.mqtt.server-uri")
    private String mqttServerUri;

    @PropertyInject(value = "mstore.mqtt.username", defaultValue = "")
    private String mqttUsername;

    @PropertyInject(value = "mstore.mqtt.password", defaultValue = "")
    private String mqttPassword;

    @PropertyInject("mstore.devices.client-id")
    private String deviceStatusClientId;

    @PropertyInject("mstore.devices.session-expiry-seconds")
    private long deviceStatusSessionExpirySeconds;

    @PropertyInject("mstore.devices.receive-maximum")
    private int deviceStatusReceiveMaximum;

    private CallbackFirstMqttClient deviceStatusSession;

    /**
     * The device status flow's persistent MQTT session: what the broker kept is delivered once the
     * consumer's callback is in place (see CallbackFirstMqttClient).
     */
    @BindToRegistry(value = "deviceStatusSession", destroyMethod = "shutdown")
    public CallbackFirstMqttClient deviceStatusSession(BrokerTrust brokerTrust) throws MqttException {
        return session(brokerTrust);
    }

    @BindToRegistry("deviceStatusSessionPolicy")
    public MqttSessionPolicy deviceStatusSessionPolicy(BrokerTrust brokerTrust) throws MqttException {
        return new MqttSessionPolicy(session(brokerTrust));
    }

    // one session for both beans: camel-main calls these methods in no fixed order
    private synchronized CallbackFirstMqttClient session(BrokerTrust brokerTrust) throws MqttException {
        if (deviceStatusSession == null) {
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setServerURIs(new String[] {mqttServerUri.trim()});
            options.setCleanStart(false);
            options.setSessionExpiryInterval(deviceStatusSessionExpirySeconds);
            options.setReceiveMaximum(deviceStatusReceiveMaximum);
            options.setAutomaticReconnect(true);
            if (!mqttUsername.isBlank()) {
                options.setUserName(mqttUsername);
                options.setPassword(mqttPassword.getBytes(StandardCharsets.UTF_8));
            }
            if (isTlsUri(mqttServerUri)) {
                options.setSocketFactory(brokerTrust.sslContext().getSocketFactory());
            }
            deviceStatusSession = new CallbackFirstMqttClient(mqttServerUri.trim(), deviceStatusClientId, options);
            // the route acknowledges each status once its exchange is done (manualAcksEnabled), but
            // camel-paho-mqtt5 switches Paho to manual acknowledgements only on a client it makes
            // itself: otherwise Paho acknowledges as its callback returns (a worker has just taken the
            // status), the broker sends past the receive maximum, and a status in flight is lost with
            // the instance; and the route's own acknowledgement later goes out a second time
            deviceStatusSession.setManualAcks(true);
            // Paho takes about 300 ms to connect: done while the rest of the hub starts
            deviceStatusSession.connectEarly();
        }
        return deviceStatusSession;
    }

    /** ssl://, mqtts:// (MQTT) and wss:// URIs are TLS connections. */
    public static boolean isTlsUri(String uri) {
        String scheme = uri.trim().toLowerCase(Locale.ROOT);
        return scheme.startsWith("ssl://") || scheme.startsWith("mqtts://") || scheme.startsWith("wss://");
    }
}
