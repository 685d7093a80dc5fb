package com.mstore.hub.mqtt;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * The message's {@code mstore-*} headers as MQTT 5 user properties of what is published next:
 * camel-paho-mqtt5 sends no Camel header, only the properties object of header
 * {@code CamelPahoMqtt5MsgProperties}.
 */
public class MqttUserProperties implements Processor {

    @Override
    public void process(Exchange exchange) {
        List<UserProperty> user = new ArrayList<>();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (name.startsWith("mstore-") && value != null) {
                user.add(new UserProperty(name, value.toString()));
            }
        });
        MqttProperties properties = new MqttProperties();
        properties.setUserProperties(user);
        exchange.getMessage().setHeader(PahoMqtt5Constants.CAMEL_PAHO_MSG_PROPERTIES, properties);
    }
}
