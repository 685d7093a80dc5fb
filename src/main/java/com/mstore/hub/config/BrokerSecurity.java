package com.mstore.hub.config;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;

/**
 * What every broker connection trusts (mstore.tls.ca-file, {@link BrokerTrust}), and the
 * credentials and TLS of the components configured from properties alone: Kafka's client settings
 * (shared with the audit log's producer, which reads them from the component) and the MQTT
 * component's user. NATS takes both from its server URLs (tls://user:password@host:4222). The
 * connections the components cannot build from a URI are in MqttConnections, RabbitConnections,
 * RedisConnections and SmtpConnections, which take the trust from here (README, "Credentials and TLS").
 */
@Configuration
public class BrokerSecurity implements CamelConfiguration {

    @PropertyInject(value = "mstore.tls.ca-file", defaultValue = "")
    private String caFile;

    @PropertyInject(value = "mstore.mqtt.username", defaultValue = "")
    private String mqttUsername;

    @PropertyInject(value = "mstore.mqtt.password", defaultValue = "")
    private String mqttPassword;

    @PropertyInject("mstore.mqtt.server-uri")
    private String mqttServerUri;

    private BrokerTrust trust;

    /** Built before any connection, and installed as the JVM default (see BrokerTrust). */
    @BindToRegistry("brokerTrust")
    public synchronized BrokerTrust brokerTrust() {
        if (trust == null) {
            trust = BrokerTrust.of(caFile);
            trust.installAsJvmDefault();
        }
        return trust;
    }

    @Override
    public void configure(CamelContext context) {
        Settings settings = Settings.of(context);
        context.getComponent("kafka", KafkaComponent.class).getConfiguration()
                .setAdditionalProperties(KafkaSecurity.clientProperties(settings, brokerTrust()));
        PahoMqtt5Configuration mqtt = context.getComponent("paho-mqtt5", PahoMqtt5Component.class).getConfiguration();
        if (!mqttUsername.isBlank()) {
            mqtt.setUserName(mqttUsername);
            mqtt.setPassword(mqttPassword);
        }
        if (MqttConnections.isTlsUri(mqttServerUri)) {
            mqtt.setSocketFactory(brokerTrust().sslContext().getSocketFactory());
        }
    }
}
