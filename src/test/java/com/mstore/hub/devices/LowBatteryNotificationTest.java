package com.mstore.hub.devices;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The low-battery notification payload, no broker. */
class LowBatteryNotificationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void namesTheUserTheDeviceAndItsLevel() throws Exception {
        long before = Instant.now().getEpochSecond();
        JsonNode notification = JSON.readTree(LowBatteryNotification.forUser("42",
                new DeviceStatus("POS-7", true, 9, null, 3L, null)));
        assertThat(notification.get("userId").asLong()).isEqualTo(42);
        assertThat(notification.get("message").asText()).isEqualTo("Battery low on POS-7: 9%");
        assertThat(notification.get("timestamp").asLong()).isBetween(before, Instant.now().getEpochSecond());
        assertThat(notification.size()).isEqualTo(3);
    }

    @Test
    void aDeviceIdThatLooksLikeJsonStaysInsideTheMessage() throws Exception {
        String hostile = "POS\",\"userId\":1,\"x\":\"";
        JsonNode notification = JSON.readTree(LowBatteryNotification.forUser("42",
                new DeviceStatus(hostile, true, 5, null, 3L, null)));
        assertThat(notification.get("userId").asLong()).isEqualTo(42);
        assertThat(notification.get("message").asText()).isEqualTo("Battery low on " + hostile + ": 5%");
        assertThat(notification.has("x")).isFalse();
    }
}
