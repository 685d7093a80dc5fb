package com.mstore.hub.devices;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A status a POS device publishes on devices/{deviceId}/status (CONTRACTS.md section 4).
 * {@code connectedAt}, optional, names the device's MQTT session by the time it connected: a device
 * sets it in its statuses and in its last will, so a will from an older session can be told apart.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceStatus(String deviceId, boolean online, Integer batteryLevel, JsonNode lastSeen, Long branchId,
                           JsonNode connectedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The status, from the canonical tree the intake step leaves. One method of this name: with
     * overloads, Camel's bean binding picks one for every message (make bench, profiled).
     */
    public static DeviceStatus fromJson(JsonNode canonical) throws JsonProcessingException {
        return JSON.treeToValue(canonical, DeviceStatus.class);
    }
}
