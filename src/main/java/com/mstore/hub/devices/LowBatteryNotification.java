package com.mstore.hub.devices;

import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

/**
 * The notification a user of a device's branch gets when its battery goes low (CONTRACTS.md, the
 * user notification payload). Built with Jackson: a device id is whatever its topic said, quotes included.
 */
public final class LowBatteryNotification {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LowBatteryNotification() {
    }

    public static String forUser(@Body String userId, @ExchangeProperty("status") DeviceStatus status) {
        return JSON.createObjectNode()
                .put("userId", Long.parseLong(userId))
                .put("message", "Battery low on " + status.deviceId() + ": " + status.batteryLevel() + "%")
                .put("timestamp", Instant.now().getEpochSecond())
                .toString();
    }
}
