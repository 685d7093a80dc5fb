package com.mstore.hub.devices;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Header;

/**
 * The JSON replies of /api/devices. Built with Jackson, never by string templates: the device id
 * comes from the request path, and a quote in it must stay inside its string.
 */
public final class DeviceReplies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeviceReplies() {
    }

    public static String notFound(@Header("deviceId") String deviceId) {
        return JSON.createObjectNode().put("error", "Device not found").put("deviceId", deviceId).toString();
    }

    public static String invalidDeviceId() {
        return JSON.createObjectNode().put("error", "Invalid device id").toString();
    }

    /** The command was published (QoS 1, acknowledged by the broker) on this topic. */
    public static String commandPublished(@Header(org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC)
            String topic) {
        return JSON.createObjectNode().put("published", topic).toString();
    }
}
