package com.mstore.hub.mqtt;

import com.mstore.hub.brokers.ReplayMarks;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.mstore.hub.brokers.Broker;
import com.mstore.hub.brokers.BrokerProbe;
import com.mstore.hub.brokers.Publishing;
import com.mstore.hub.config.Settings;
import com.mstore.hub.errors.FailureHeaders;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;

/**
 * MQTT 5 (mstore.mqtt.*): a source is the topic a message was published on (not the filter the hub
 * subscribed with); a replay publishes there again at QoS 1.
 */
public class MqttBroker implements Broker {

    private static final String SERVER_URI = "mstore.mqtt.server-uri";

    private final Publishing publishing;
    private final String replayClientId;
    private final BrokerProbe probe;

    public MqttBroker(CamelContext context, String serverUri, String replayClientId) {
        this.publishing = new Publishing(context);
        this.replayClientId = replayClientId;
        this.probe = newProbe(context, serverUri);
    }

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public boolean owns(Endpoint endpoint) {
        return endpoint instanceof PahoMqtt5Endpoint;
    }

    @Override
    public String address(Endpoint endpoint) {
        return ((PahoMqtt5Endpoint) endpoint).getTopic();
    }

    @Override
    public Map<String, String> sourceHeaders(Exchange received) {
        String topic = received.getMessage().getHeader(PahoMqtt5Constants.MQTT_TOPIC, String.class);
        return topic == null || topic.isEmpty() ? Map.of() : Map.of(FailureHeaders.SOURCE_TOPIC, topic);
    }

    @Override
    public Map<String, Object> source(Message deadLetter) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("topic", Publishing.header(deadLetter, FailureHeaders.SOURCE_TOPIC));
        return source;
    }

    @Override
    public Optional<String> place(Map<String, Object> source) {
        return Publishing.text(source, "topic");
    }

    /** MQTT 5 user properties would carry the replay's mark, but devices read none: the topic is all. */
    @Override
    public void publish(Map<String, Object> source, byte[] body, ReplayMarks marks) throws Exception {
        publishing.send("paho-mqtt5:replay?qos=1&lazyStartProducer=true&clientId=" + replayClientId, body,
                Map.of(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC, place(source).orElseThrow()));
    }

    @Override
    public BrokerProbe probe() {
        return probe;
    }

    private static BrokerProbe newProbe(CamelContext context, String serverUri) {
        Settings.requireUri(SERVER_URI, serverUri, serverUri, Set.of("tcp", "ssl", "ws", "wss", "mqtt", "mqtts"));
        return new BrokerProbe("MQTT", SERVER_URI, serverUri, timeout -> {
            MqttClient client = new MqttClient(serverUri, "mstore-hub-probe-" + UUID.randomUUID(), new MemoryPersistence());
            try {
                MqttConnectionOptions options = new MqttConnectionOptions();
                options.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
                options.setAutomaticReconnect(false);
                // the same user and TLS as the routes' connections (MqttConnections)
                PahoMqtt5Configuration routes = context.getComponent("paho-mqtt5", PahoMqtt5Component.class).getConfiguration();
                if (routes.getUserName() != null) {
                    options.setUserName(routes.getUserName());
                    options.setPassword(routes.getPassword() == null ? null : routes.getPassword().getBytes(StandardCharsets.UTF_8));
                }
                if (routes.getSocketFactory() != null) {
                    options.setSocketFactory(routes.getSocketFactory());
                }
                client.connect(options);
                client.disconnect();
            } finally {
                client.close();
            }
        });
    }
}
