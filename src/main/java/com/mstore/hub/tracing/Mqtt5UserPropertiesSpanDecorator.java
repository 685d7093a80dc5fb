package com.mstore.hub.tracing;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.tracing.ExtractAdapter;
import org.apache.camel.tracing.InjectAdapter;
import org.apache.camel.tracing.decorators.Paho5SpanDecorator;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * Carries the W3C trace context in MQTT 5 user properties (CONTRACTS.md, Cross-cutting).
 *
 * <p>Why this exists: camel-paho-mqtt5 does not map user properties to Camel headers. Its consumer
 * hands over the whole {@link MqttProperties} as header {@value #PROPERTIES_HEADER} and its producer
 * publishes whatever that header holds, so Camel's stock MQTT 5 decorator, which reads and writes
 * plain headers, would neither see an incoming {@code traceparent} nor send one. This decorator
 * reads and writes the user properties inside that header instead.
 */
public class Mqtt5UserPropertiesSpanDecorator extends Paho5SpanDecorator {

    static final String PROPERTIES_HEADER = "CamelPahoMqtt5MsgProperties";

    @Override
    public ExtractAdapter getExtractAdapter(Map<String, Object> headers, boolean encoding) {
        Map<String, Object> userProperties = new LinkedHashMap<>();
        if (headers.get(PROPERTIES_HEADER) instanceof MqttProperties properties && properties.getUserProperties() != null) {
            properties.getUserProperties().forEach(property -> userProperties.put(property.getKey(), property.getValue()));
        }
        return new ExtractAdapter() {
            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                return userProperties.entrySet().stream()
                        .map(entry -> (Map.Entry<String, Object>) new AbstractMap.SimpleImmutableEntry<>(entry))
                        .iterator();
            }

            @Override
            public Object get(String key) {
                return userProperties.get(key);
            }

            @Override
            public Set<String> keys() {
                return userProperties.keySet();
            }
        };
    }

    @Override
    public InjectAdapter getInjectAdapter(Map<String, Object> headers, boolean encoding) {
        return (key, value) -> {
            MqttProperties properties = headers.get(PROPERTIES_HEADER) instanceof MqttProperties existing
                    ? existing : new MqttProperties();
            List<UserProperty> userProperties = new ArrayList<>();
            if (properties.getUserProperties() != null) {
                properties.getUserProperties().stream()
                        .filter(property -> !property.getKey().equals(key))
                        .forEach(userProperties::add);
            }
            userProperties.add(new UserProperty(key, value));
            properties.setUserProperties(userProperties);
            headers.put(PROPERTIES_HEADER, properties);
        };
    }
}
