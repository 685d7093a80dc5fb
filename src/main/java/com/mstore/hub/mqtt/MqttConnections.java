package com.mstore.hub.mqtt;

import java.util.Locale;

import com.mstore.hub.tls.BrokerTrust;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Ordered;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;

/**
 * MQTT 5 (mstore.mqtt.*): the user and TLS of every connection the paho-mqtt5 component makes, and
 * the broker's type. A flow that needs a session of its own (the device statuses) builds it with the
 * same settings.
 */
@Configuration
public class MqttConnections implements CamelConfiguration, Ordered {

    /** Wired after the trust and before what uses the connections (a bean that closes them when the hub stops is not made lazily). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST + 1;
    }

    @PropertyInject(value = "mstore.mqtt.username", defaultValue = "")
    private String username;

    @PropertyInject(value = "mstore.mqtt.password", defaultValue = "")
    private String password;

    @PropertyInject("mstore.mqtt.server-uri")
    private String serverUri;

    @PropertyInject("mstore.instance-id")
    private String instanceId;

    @BindToRegistry("mqttBroker")
    public MqttBroker mqttBroker(CamelContext context) {
        return new MqttBroker(context, serverUri.trim(), "mstore-hub-" + instanceId + "-replay");
    }

    @Override
    public void configure(CamelContext context) {
        PahoMqtt5Configuration mqtt = context.getComponent("paho-mqtt5", PahoMqtt5Component.class).getConfiguration();
        if (!username.isBlank()) {
            mqtt.setUserName(username);
            mqtt.setPassword(password);
        }
        if (isTlsUri(serverUri)) {
            BrokerTrust trust = context.getRegistry().lookupByNameAndType("brokerTrust", BrokerTrust.class);
            mqtt.setSocketFactory(trust.sslContext().getSocketFactory());
        }
    }

    /** ssl://, mqtts:// (MQTT) and wss:// URIs are TLS connections. */
    public static boolean isTlsUri(String uri) {
        String scheme = uri.trim().toLowerCase(Locale.ROOT);
        return scheme.startsWith("ssl://") || scheme.startsWith("mqtts://") || scheme.startsWith("wss://");
    }
}
