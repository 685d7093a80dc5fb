package com.mstore.hub.devices;

import java.nio.charset.StandardCharsets;

import com.mstore.hub.mqtt.CallbackFirstMqttClient;
import com.mstore.hub.mqtt.MqttConnections;
import com.mstore.hub.mqtt.MqttSessionPolicy;
import com.mstore.hub.tls.BrokerTrust;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;

/** The device status flow's own MQTT 5 session (mstore.mqtt.*, mstore.devices.*). */
@Configuration
public class DeviceStatusSession implements CamelConfiguration {

    @PropertyInject("mstore.mqtt.server-uri")
    private String mqttServerUri;

    @PropertyInject(value = "mstore.mqtt.username", defaultValue = "")
    private String mqttUsername;

    @PropertyInject(value = "mstore.mqtt.password", defaultValue = "")
    private String mqttPassword;

    @PropertyInject("mstore.devices.client-id")
    private String clientId;

    @PropertyInject("mstore.devices.session-expiry-seconds")
    private long sessionExpirySeconds;

    @PropertyInject("mstore.devices.receive-maximum")
    private int receiveMaximum;

    @PropertyInject("mstore.devices.leave-on-stop")
    private boolean leaveOnStop;

    private CallbackFirstMqttClient session;

    /**
     * The device status flow's persistent MQTT session: what the broker kept is delivered once the
     * consumer's callback is in place (see CallbackFirstMqttClient).
     */
    @BindToRegistry(value = "deviceStatusSession", destroyMethod = "shutdown")
    public CallbackFirstMqttClient deviceStatusSession(BrokerTrust brokerTrust) throws MqttException {
        return session(brokerTrust);
    }

    @BindToRegistry(value = "deviceStatusSessionPolicy", lazy = true)
    public MqttSessionPolicy deviceStatusSessionPolicy(BrokerTrust brokerTrust) throws MqttException {
        return new MqttSessionPolicy(session(brokerTrust), leaveOnStop);
    }

    // one session for both beans
    private synchronized CallbackFirstMqttClient session(BrokerTrust brokerTrust) throws MqttException {
        if (session == null) {
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setServerURIs(new String[] {mqttServerUri.trim()});
            options.setCleanStart(false);
            options.setSessionExpiryInterval(sessionExpirySeconds);
            options.setReceiveMaximum(receiveMaximum);
            options.setAutomaticReconnect(true);
            if (!mqttUsername.isBlank()) {
                options.setUserName(mqttUsername);
                options.setPassword(mqttPassword.getBytes(StandardCharsets.UTF_8));
            }
            if (MqttConnections.isTlsUri(mqttServerUri)) {
                options.setSocketFactory(brokerTrust.sslContext().getSocketFactory());
            }
            session = new CallbackFirstMqttClient(mqttServerUri.trim(), clientId, options);
            // the route acknowledges each status once its exchange is done (manualAcksEnabled), but
            // camel-paho-mqtt5 switches Paho to manual acknowledgements only on a client it makes
            // itself: otherwise Paho acknowledges as its callback returns (a worker has just taken the
            // status), the broker sends past the receive maximum, and a status in flight is lost with
            // the instance; and the route's own acknowledgement later goes out a second time
            session.setManualAcks(true);
            // Paho takes about 300 ms to connect: done while the rest of the hub starts
            session.connectEarly();
        }
        return session;
    }
}
